#!/usr/bin/env python3
"""Builds docs/eslsh.1: the manual swift-argument-parser generates from the option definitions, with
eslsh's hand-written sections (line grammar, exit status, files, environment) put in.
Run through `make man`."""
import sys

generated, extra, output = sys.argv[1:4]
page = open(generated).read()
sections = open(extra).read()
# The generated EXIT STATUS is the generic `.Ex -std`; ours is a contract, so it replaces it.
start = page.index('.Sh "EXIT STATUS"')
end = page.index(".Sh AUTHORS")
page = page[:start] + sections.rstrip("\n") + "\n" + page[end:]
# The discussion's paragraphs come as empty lines, which mdoc warns about: paragraph macros instead.
page = "\n".join(".Pp" if line == "" else line for line in page.split("\n")).rstrip("\n") + "\n"
# The generated synopsis puts `subcommand` first, as if one were required: eslsh runs without one, and
# its one subcommand gets a synopsis line of its own.
synopsis = page.index(".Sh SYNOPSIS")
description = page.index(".Sh DESCRIPTION")
block = page[synopsis:description].replace(".Nm\n.Ar subcommand\n", ".Nm\n", 1)
block += ".Nm\n.Cm replay\n.Op Ar options\n.Ar file\n"
page = page[:synopsis] + block + page[description:]
open(output, "w").write(page)
