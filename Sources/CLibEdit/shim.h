// libedit's el_set/el_get/history are C variadic functions, which Swift cannot call: each use gets a
// small non-variadic wrapper here. Swift compiles these inline functions itself; no C target needed.
#ifndef ESLSH_CLIBEDIT_SHIM_H
#define ESLSH_CLIBEDIT_SHIM_H

#include <histedit.h>
#include <stdio.h>
#include <wchar.h>

extern int wcwidth(wchar_t c);  // glibc hides it unless _XOPEN_SOURCE is set

static inline FILE *eslsh_stdin(void) { return stdin; }
static inline FILE *eslsh_stdout(void) { return stdout; }
static inline FILE *eslsh_stderr(void) { return stderr; }

typedef char *(*eslsh_prompt_fn)(EditLine *);
typedef unsigned char (*eslsh_command_fn)(EditLine *, int);
typedef int (*eslsh_getc_fn)(EditLine *, wchar_t *);

static inline int eslsh_el_set_prompt(EditLine *el, eslsh_prompt_fn fn) { return el_set(el, EL_PROMPT_ESC, fn, '\1'); }
static inline int eslsh_el_set_editor(EditLine *el, const char *mode) { return el_set(el, EL_EDITOR, mode); }
static inline int eslsh_el_set_signal(EditLine *el, int on) { return el_set(el, EL_SIGNAL, on); }
static inline int eslsh_el_addfn(EditLine *el, const char *name, const char *help, eslsh_command_fn fn) {
    return el_set(el, EL_ADDFN, name, help, fn);
}
static inline int eslsh_el_bind(EditLine *el, const char *key, const char *fn) { return el_set(el, EL_BIND, key, fn, NULL); }
static inline int eslsh_el_refresh(EditLine *el) { return el_set(el, EL_REFRESH); }
static inline int eslsh_el_set_clientdata(EditLine *el, void *data) { return el_set(el, EL_CLIENTDATA, data); }
static inline void *eslsh_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return data;
}
static inline int eslsh_el_set_getcfn(EditLine *el, eslsh_getc_fn fn) { return el_wset(el, EL_GETCFN, fn); }
static inline int eslsh_el_set_history(EditLine *el, History *h) { return el_set(el, EL_HIST, history, h); }
static inline int eslsh_el_prep_term(EditLine *el, int on) { return el_set(el, EL_PREP_TERM, on); }
static inline int eslsh_el_columns(EditLine *el) {
    int columns = 80;
    if (el_get(el, EL_GETTC, "co", &columns) != 0) return 80;
    return columns;
}

static inline int eslsh_history_enter(History *h, const char *line) {
    HistEvent ev;
    return history(h, &ev, H_ENTER, line);
}
static inline int eslsh_history_load(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_LOAD, path);
}
static inline int eslsh_history_save(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_SAVE, path);
}
static inline int eslsh_history_setsize(History *h, int size) {
    HistEvent ev;
    return history(h, &ev, H_SETSIZE, size);
}
static inline int eslsh_history_setunique(History *h, int on) {
    HistEvent ev;
    return history(h, &ev, H_SETUNIQUE, on);
}

#endif
