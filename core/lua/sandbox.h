/*
 * sandbox.h — the one Lua sandbox: a lua_State whose every byte is counted against a cap
 * and whose every call runs under an instruction budget, with only the safe parts of the
 * standard library. The rules generations, the configuration file and (next) the
 * notification plugins each run in one. Nothing above this layer calls lua_pcall itself.
 */
#ifndef THIDUA_LUA_SANDBOX_H
#define THIDUA_LUA_SANDBOX_H

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>

struct sandbox;

/* How a guarded call ended. */
enum sandbox_status {
    SANDBOX_OK = 0,
    SANDBOX_ERROR = -1,         /* err holds Lua's message, "file:line: ..." where known */
    SANDBOX_OUT_OF_MEMORY = -2, /* err is empty: an allocation failure has no position */
    SANDBOX_YIELDED = 1,        /* sandbox_resume only: the coroutine waits for C */
    SANDBOX_SLICED = 2,         /* sandbox_resume_sliced only: its slice is spent */
};

/* A new state holding at most memory_limit bytes. budget_message is what the budget hook
 * raises, after the place it stopped ("file:line: <message>"); it must outlive the
 * sandbox (a string literal). NULL with err when no state can be made. */
struct sandbox *sandbox_new(size_t memory_limit, const char *budget_message, char *err,
                            size_t errlen);
/* Closes the state; finalizers still left run under a budget of `instructions`. */
void sandbox_free(struct sandbox *sb, long long instructions);

lua_State *sandbox_state(struct sandbox *sb);
/* For a copy of the state in a process that ends after a few calls (lua/sandbox_process.h):
 * the collector stops, since its marking would write to every object of the loaded state
 * and so copy every page the process shares with its parent. The memory cap still holds:
 * an allocation past it first runs an emergency collection, as Lua does whenever an
 * allocation fails. */
void sandbox_throwaway(struct sandbox *sb);
/* The sandbox a state belongs to (kept in the state's extra space). */
struct sandbox *sandbox_of(lua_State *L);
/* What the owner (a rules generation, a plugin) hangs on its sandbox. */
void sandbox_set_owner(struct sandbox *sb, void *owner);
void *sandbox_owner(const struct sandbox *sb);

/* Opens base, string, table, math, utf8 and os, then takes away what reaches files,
 * processes or raw code (dofile, loadfile, load, collectgarbage, os.execute, os.getenv,
 * os.exit, os.remove, os.rename, os.setlocale, os.tmpname) and hides the string metatable. */
void sandbox_open_safe_libs(struct sandbox *sb);

/* Loads a chunk of Lua text (never bytecode) and pushes it as a function. On failure
 * pushes nothing and writes "chunkname: message" to err. */
int sandbox_load(struct sandbox *sb, const char *text, size_t len, const char *chunkname, char *err,
                 size_t errlen);

/* Calls the function below nargs arguments under a budget of `instructions` and a cap of
 * memory_limit bytes for the whole state. On failure leaves nothing on the stack, collects
 * what the call left behind, and says why. */
enum sandbox_status sandbox_call(struct sandbox *sb, int nargs, int nresults,
                                 long long instructions, size_t memory_limit, char *err,
                                 size_t errlen);
/* The same for a function of our own (the rules engine evaluating a unit) that calls the
 * untrusted ones: the budget counts only what runs inside sandbox_counting (the rules'
 * functions, each called through it), so the engine's own instructions do not pay the
 * count hook, which Lua runs before every instruction while it is set. Whatever runs
 * uncounted (the engine; a metamethod a rule left on what it returned) is still bounded by
 * the memory cap and by the deadline of the process it runs in (lua/sandbox_process.h). */
enum sandbox_status sandbox_call_engine(struct sandbox *sb, int nargs, int nresults,
                                        long long instructions, size_t memory_limit, char *err,
                                        size_t errlen);
/* Inside a call: calls the function below nargs arguments with the budget counting, then
 * counts as before (lua_call: an error goes on up, counted). */
void sandbox_counting(lua_State *L, int nargs, int nresults);

/* Resumes a coroutine of the sandbox's state (lua_newthread) with nargs values on its
 * stack, under a budget of `instructions` for this stretch and the memory cap. On
 * SANDBOX_OK its *nresults results are on its stack; on SANDBOX_YIELDED it waits for C to
 * resume it; on failure err says why and the coroutine is dead. */
enum sandbox_status sandbox_resume(struct sandbox *sb, lua_State *co, int nargs, int *nresults,
                                   long long instructions, size_t memory_limit, char *err,
                                   size_t errlen);

/* sandbox_resume in slices, so that one coroutine never holds the event loop for long:
 * the count hook yields once `slice` instructions have run (where the coroutine can yield:
 * not inside a C function that calls back, such as table.sort's comparator), and the
 * status is SANDBOX_SLICED; resume it again with nargs 0 (on the loop's next turn) to go
 * on. *budget is what is left of the stretch's instruction budget, spent across slices;
 * past it the coroutine fails as sandbox_resume's does. */
enum sandbox_status sandbox_resume_sliced(struct sandbox *sb, lua_State *co, int nargs,
                                          int *nresults, long long *budget, long long slice,
                                          size_t memory_limit, char *err, size_t errlen);

/* Bytes the state holds now. */
size_t sandbox_memory_used(const struct sandbox *sb);
/* The cap between calls (C pushing arguments); SIZE_MAX lifts it. */
void sandbox_set_idle_limit(struct sandbox *sb, size_t limit);
/* Sets the budget sandbox_budget_left starts from (a budget shared by several calls). */
void sandbox_set_budget(struct sandbox *sb, long long instructions);
/* Instructions left in the call running now (0 once exhausted). */
long long sandbox_budget_left(const struct sandbox *sb);
/* True once the running call hit its budget or its memory cap: Lua code that catches
 * errors must re-raise these (see the rules' pcall). */
bool sandbox_exhausted(const struct sandbox *sb);
/* A full collection under a budget of `instructions`. */
void sandbox_collect(struct sandbox *sb, long long instructions);

/* The place of an activation record, "file:line" (or the chunk's name). */
void sandbox_format_place(const lua_Debug *ar, char *out, size_t outlen);

#endif
