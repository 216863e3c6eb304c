// ncurses (wide build) for the full-screen views. Many ncurses calls are macros, which Swift cannot
// call: each one used gets a small inline wrapper here. ncurses and libedit share terminfo's current
// terminal (cur_term): the view saves it before newterm and puts it back after delscreen, so libedit's
// tputs never sees a freed TERMINAL.
#ifndef ESLSH_CNCURSES_SHIM_H
#define ESLSH_CNCURSES_SHIM_H

#define NCURSES_WIDECHAR 1
#include <ncursesw/curses.h>
#include <ncursesw/term.h>
#include <stdio.h>
#include <unistd.h>

typedef struct eslsh_curses {
    SCREEN *screen;
    TERMINAL *saved;
    FILE *out;
    FILE *in;
} eslsh_curses;

/// Starts ncurses on the terminal (fd 1 out, fd 0 in); NULL when the terminal type is unknown.
static inline int eslsh_curses_start(eslsh_curses *state) {
    state->saved = cur_term;
    state->out = fdopen(dup(1), "w");
    state->in = fdopen(dup(0), "r");
    if (!state->out || !state->in) return -1;
    state->screen = newterm(NULL, state->out, state->in);
    if (!state->screen) {
        fclose(state->out);
        fclose(state->in);
        set_curterm(state->saved);
        return -1;
    }
    set_term(state->screen);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    intrflush(stdscr, FALSE);
    curs_set(0);
    set_escdelay(25);
    wtimeout(stdscr, 0);
    if (has_colors()) {
        start_color();
        use_default_colors();
        init_pair(1, COLOR_RED, -1);
        init_pair(2, COLOR_GREEN, -1);
        init_pair(3, COLOR_YELLOW, -1);
        init_pair(4, COLOR_CYAN, -1);
    }
    return 0;
}

/// Gives the terminal back as it was, and terminfo's current terminal to libedit.
static inline void eslsh_curses_stop(eslsh_curses *state) {
    if (!state->screen) return;
    endwin();
    delscreen(state->screen);
    state->screen = NULL;
    fclose(state->out);
    fclose(state->in);
    set_curterm(state->saved);
}

/// Ctrl-Z: the terminal as it was while stopped, the view again after.
static inline void eslsh_curses_pause(void) { endwin(); }
static inline void eslsh_curses_resume(void) { clearok(stdscr, TRUE); wrefresh(stdscr); }

static inline int eslsh_curses_rows(void) { return getmaxy(stdscr); }
static inline int eslsh_curses_columns(void) { return getmaxx(stdscr); }
static inline int eslsh_curses_key(void) { return wgetch(stdscr); }
static inline void eslsh_curses_erase(void) { werase(stdscr); }
static inline void eslsh_curses_put(int at_y, int at_x, const char *utf8, int length, int attributes) {
    wattrset(stdscr, attributes);
    mvwaddnstr(stdscr, at_y, at_x, utf8, length);
    wattrset(stdscr, A_NORMAL);
}
static inline void eslsh_curses_refresh(void) { wrefresh(stdscr); }
static inline void eslsh_curses_resize(int height, int width) { resizeterm(height, width); }

static inline int eslsh_attr_reverse(void) { return A_REVERSE; }
static inline int eslsh_attr_bold(void) { return A_BOLD; }
static inline int eslsh_attr_dim(void) { return A_DIM; }
static inline int eslsh_attr_color(int pair) { return has_colors() ? COLOR_PAIR(pair) : 0; }

static inline int eslsh_key_up(void) { return KEY_UP; }
static inline int eslsh_key_down(void) { return KEY_DOWN; }
static inline int eslsh_key_page_up(void) { return KEY_PPAGE; }
static inline int eslsh_key_page_down(void) { return KEY_NPAGE; }
static inline int eslsh_key_enter(void) { return KEY_ENTER; }
static inline int eslsh_key_backspace(void) { return KEY_BACKSPACE; }
static inline int eslsh_key_resize(void) { return KEY_RESIZE; }

#endif
