/*
 * sandbox.c — the Lua sandbox every Lua chunk the daemon runs lives in.
 *
 * Memory: the state's allocator keeps an exact account of what it holds (Lua tells it the
 * old size of every block) and refuses to grow past the cap, so a chunk that builds an
 * endless table gets a memory error, not the machine's memory. Instructions: every call runs
 * with a count hook that raises once the budget is spent, so an endless loop ends as an
 * error naming where it stopped. Both hold for finalizers too: collections and the final
 * close run under a budget.
 *
 * The libraries are the standard ones minus everything that reaches outside the state;
 * chunks are loaded as text only (bytecode can break the VM's invariants).
 */
#include "lua/sandbox.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/throwaway_heap.h"

/* The count hook runs every this many VM instructions: the budget's granularity. */
#define HOOK_EVERY 1000
#define PLACE_MAX  512

struct sandbox {
    lua_State *L;
    size_t used;       /* bytes held by the state */
    size_t limit;      /* the cap in force now */
    size_t idle_limit; /* the cap between calls */
    bool refused;      /* an allocation was refused since the running call began */
    long long budget_left;
    long long slice, slice_left; /* sandbox_resume_sliced: yield every `slice` instructions */
    bool sliced;                 /* the hook yielded because the slice was spent */
    const char *budget_message;
    void *owner;
};

/* Whether growing a block from osize to nsize bytes keeps the state within its cap; a
 * refusal is remembered (the running call then fails as out of memory). */
static bool within_cap(struct sandbox *sb, size_t osize, size_t nsize)
{
    if (nsize <= osize || sb->used + (nsize - osize) <= sb->limit) return true;
    sb->refused = true;
    return false;
}

static void *sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct sandbox *sb = ud;
    if (ptr == NULL) osize = 0; /* then osize only tells the object's type */
    if (nsize == 0) {
        free(ptr);
        sb->used -= osize;
        return NULL;
    }
    if (!within_cap(sb, osize, nsize)) return NULL;
    void *block = realloc(ptr, nsize);
    if (block) sb->used = sb->used - osize + nsize;
    return block;
}

struct sandbox *sandbox_of(lua_State *L)
{
    return *(struct sandbox **)lua_getextraspace(L);
}

void sandbox_format_place(const lua_Debug *ar, char *out, size_t outlen)
{
    const char *src = ar->source;
    if (src[0] == '@' || src[0] == '=') src++;
    if (ar->currentline > 0)
        snprintf(out, outlen, "%s:%d", src, ar->currentline);
    else
        snprintf(out, outlen, "%s", src);
}

static void budget_hook(lua_State *L, lua_Debug *ar)
{
    struct sandbox *sb = sandbox_of(L);
    sb->budget_left -= HOOK_EVERY;
    if (sb->budget_left >= 0) {
        if (sb->slice > 0 && (sb->slice_left -= HOOK_EVERY) <= 0 && lua_isyieldable(L)) {
            sb->sliced = true;
            lua_yield(L, 0); /* a hook may yield with no values (Lua 5.4) */
        }
        return;
    }
    char place[PLACE_MAX];
    lua_getinfo(L, "Sl", ar);
    sandbox_format_place(ar, place, sizeof place);
    lua_pushfstring(L, "%s: %s", place, sb->budget_message);
    lua_error(L);
}

/* An error outside any protected call: nothing can recover, but the log says why. */
static int sandbox_panic(lua_State *L)
{
    const char *msg = lua_tostring(L, -1);
    log_error("lua: unprotected error: %s", msg ? msg : "(not a string)");
    return 0; /* Lua aborts */
}

struct sandbox *sandbox_new(size_t memory_limit, const char *budget_message, char *err,
                            size_t errlen)
{
    struct sandbox *sb = calloc(1, sizeof *sb);
    if (!sb) goto fail;
    sb->limit = sb->idle_limit = memory_limit;
    sb->budget_message = budget_message;
    sb->L = lua_newstate(sandbox_alloc, sb);
    if (!sb->L) goto fail;
    *(struct sandbox **)lua_getextraspace(sb->L) = sb;
    lua_atpanic(sb->L, sandbox_panic);
    return sb;
fail:
    snprintf(err, errlen, "cannot create a Lua state (out of memory)");
    free(sb);
    return NULL;
}

void sandbox_free(struct sandbox *sb, long long instructions)
{
    if (!sb) return;
    /* Finalizers run here; the budget hook stops one that would never end. */
    sb->budget_left = instructions;
    lua_sethook(sb->L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
    lua_close(sb->L);
    free(sb);
}

/* The allocator of a throwaway process's state: the same account and cap as sandbox_alloc,
 * new blocks from the throwaway heap. A block of that heap is never given back: freeing it
 * only lowers the account, and a block that grows and was not the last one cut moves,
 * leaving the old one behind. With the collector stopped nothing is freed but by an
 * emergency collection, and a call that needed one has failed anyway (sandbox.c counts a
 * refused allocation as out of memory), so the heap holds the account plus what moved
 * blocks left: it is capped at twice the state's cap, past which blocks come from malloc,
 * as do blocks made before the switch. */
#define THROWAWAY_HEAP_CAPS 2

static bool heap_has_room(const struct sandbox *sb, size_t n)
{
    return throwaway_heap_size() + n <= THROWAWAY_HEAP_CAPS * sb->limit;
}

static void *throwaway_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    struct sandbox *sb = ud;
    if (ptr == NULL ? nsize == 0 || !heap_has_room(sb, nsize) : !throwaway_heap_owns(ptr))
        return sandbox_alloc(ud, ptr, osize, nsize);
    if (ptr == NULL) osize = 0; /* then osize only tells the object's type */
    if (nsize == 0) {
        sb->used -= osize;
        return NULL;
    }
    if (!within_cap(sb, osize, nsize)) return NULL;
    void *block = NULL;
    if (ptr && nsize <= osize)
        block = ptr; /* shrinks where it is */
    else if (heap_has_room(sb, nsize))
        block = ptr ? throwaway_heap_resize(ptr, osize, nsize) : throwaway_heap_alloc(nsize);
    if (!block && (block = malloc(nsize)) != NULL && ptr)
        memcpy(block, ptr, osize < nsize ? osize : nsize);
    if (block) sb->used = sb->used - osize + nsize;
    return block;
}

void sandbox_throwaway(struct sandbox *sb)
{
    lua_gc(sb->L, LUA_GCSTOP);
    lua_setallocf(sb->L, throwaway_alloc, sb);
}

lua_State *sandbox_state(struct sandbox *sb)
{
    return sb->L;
}

void sandbox_set_owner(struct sandbox *sb, void *owner)
{
    sb->owner = owner;
}

void *sandbox_owner(const struct sandbox *sb)
{
    return sb->owner;
}

static void remove_fields(lua_State *L, const char *const *names, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        lua_pushnil(L);
        lua_setfield(L, -2, names[i]);
    }
}

void sandbox_open_safe_libs(struct sandbox *sb)
{
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base},       {LUA_STRLIBNAME, luaopen_string},
        {LUA_TABLIBNAME, luaopen_table}, {LUA_MATHLIBNAME, luaopen_math},
        {LUA_UTF8LIBNAME, luaopen_utf8}, {LUA_OSLIBNAME, luaopen_os},
    };
    static const char *const unused_os[] = {"execute", "exit",      "getenv", "remove",
                                            "rename",  "setlocale", "tmpname"};
    static const char *const unused_base[] = {"dofile", "loadfile", "load", "collectgarbage"};
    lua_State *L = sb->L;
    for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
        luaL_requiref(L, libs[i].name, libs[i].func, 1);
        lua_pop(L, 1);
    }
    /* getmetatable("") would hand chunks the string library other chunks use. */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
    lua_getglobal(L, LUA_OSLIBNAME);
    remove_fields(L, unused_os, sizeof unused_os / sizeof unused_os[0]);
    lua_pop(L, 1);
    lua_pushglobaltable(L);
    remove_fields(L, unused_base, sizeof unused_base / sizeof unused_base[0]);
    lua_pop(L, 1);
}

int sandbox_load(struct sandbox *sb, const char *text, size_t len, const char *chunkname, char *err,
                 size_t errlen)
{
    if (luaL_loadbufferx(sb->L, text, len, chunkname, "t") == LUA_OK) return 0;
    const char *msg = lua_tostring(sb->L, -1);
    const char *name = chunkname[0] == '@' || chunkname[0] == '=' ? chunkname + 1 : chunkname;
    if (!msg) msg = "cannot load the chunk";
    /* Lua names the chunk in syntax errors, but not in "attempt to load a binary chunk". */
    if (strncmp(msg, name, strlen(name)) == 0)
        snprintf(err, errlen, "%s", msg);
    else
        snprintf(err, errlen, "%s: %s", name, msg);
    lua_pop(sb->L, 1);
    return -1;
}

void sandbox_collect(struct sandbox *sb, long long instructions)
{
    sb->budget_left = instructions;
    lua_sethook(sb->L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
    lua_gc(sb->L, LUA_GCCOLLECT);
    lua_sethook(sb->L, NULL, 0, 0);
}

static enum sandbox_status call(struct sandbox *sb, int nargs, int nresults, long long instructions,
                                size_t memory_limit, bool counted, char *err, size_t errlen)
{
    lua_State *L = sb->L;
    sb->limit = memory_limit;
    sb->budget_left = instructions;
    sb->refused = false;
    if (counted) lua_sethook(L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
    int rc = lua_pcall(L, nargs, nresults, 0);
    lua_sethook(L, NULL, 0, 0);
    sb->limit = sb->idle_limit;
    if (rc == LUA_OK) return SANDBOX_OK;
    enum sandbox_status status = SANDBOX_ERROR;
    if (rc == LUA_ERRMEM || sb->refused) {
        status = SANDBOX_OUT_OF_MEMORY;
        err[0] = '\0';
    } else {
        const char *msg = lua_tostring(L, -1);
        snprintf(err, errlen, "%s", msg ? msg : "a Lua error that is not a string");
    }
    lua_pop(L, 1);
    /* What a failed call left behind is freed, so the next call gets its whole cap. */
    sandbox_collect(sb, instructions > 0 ? instructions : HOOK_EVERY);
    return status;
}

enum sandbox_status sandbox_call(struct sandbox *sb, int nargs, int nresults,
                                 long long instructions, size_t memory_limit, char *err,
                                 size_t errlen)
{
    return call(sb, nargs, nresults, instructions, memory_limit, true, err, errlen);
}

enum sandbox_status sandbox_call_engine(struct sandbox *sb, int nargs, int nresults,
                                        long long instructions, size_t memory_limit, char *err,
                                        size_t errlen)
{
    return call(sb, nargs, nresults, instructions, memory_limit, false, err, errlen);
}

void sandbox_counting(lua_State *L, int nargs, int nresults)
{
    bool counting = lua_gethook(L) != NULL;
    if (!counting) lua_sethook(L, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
    lua_call(L, nargs, nresults);
    if (!counting) lua_sethook(L, NULL, 0, 0);
}

static enum sandbox_status resume(struct sandbox *sb, lua_State *co, int nargs, int *nresults,
                                  long long *budget, long long slice, size_t memory_limit,
                                  char *err, size_t errlen)
{
    long long instructions = *budget;
    sb->limit = memory_limit;
    sb->budget_left = instructions;
    sb->slice = sb->slice_left = slice;
    sb->sliced = false;
    sb->refused = false;
    lua_sethook(co, budget_hook, LUA_MASKCOUNT, HOOK_EVERY);
    int rc = lua_resume(co, sb->L, nargs, nresults);
    lua_sethook(co, NULL, 0, 0);
    sb->limit = sb->idle_limit;
    sb->slice = 0;
    *budget = sb->budget_left;
    if (rc == LUA_OK) return SANDBOX_OK;
    if (rc == LUA_YIELD) return sb->sliced ? SANDBOX_SLICED : SANDBOX_YIELDED;
    enum sandbox_status status = SANDBOX_ERROR;
    if (rc == LUA_ERRMEM || sb->refused) {
        status = SANDBOX_OUT_OF_MEMORY;
        snprintf(err, errlen, "needed more memory than it may use (%zu MiB)", memory_limit >> 20);
    } else {
        const char *msg = lua_tostring(co, -1);
        snprintf(err, errlen, "%s", msg ? msg : "a Lua error that is not a string");
    }
    lua_settop(co, 0);
    sandbox_collect(sb, instructions > 0 ? instructions : HOOK_EVERY);
    return status;
}

enum sandbox_status sandbox_resume(struct sandbox *sb, lua_State *co, int nargs, int *nresults,
                                   long long instructions, size_t memory_limit, char *err,
                                   size_t errlen)
{
    return resume(sb, co, nargs, nresults, &instructions, 0, memory_limit, err, errlen);
}

enum sandbox_status sandbox_resume_sliced(struct sandbox *sb, lua_State *co, int nargs,
                                          int *nresults, long long *budget, long long slice,
                                          size_t memory_limit, char *err, size_t errlen)
{
    return resume(sb, co, nargs, nresults, budget, slice, memory_limit, err, errlen);
}

size_t sandbox_memory_used(const struct sandbox *sb)
{
    return sb->used;
}

void sandbox_set_idle_limit(struct sandbox *sb, size_t limit)
{
    sb->idle_limit = sb->limit = limit;
}

void sandbox_set_budget(struct sandbox *sb, long long instructions)
{
    sb->budget_left = instructions;
}

long long sandbox_budget_left(const struct sandbox *sb)
{
    return sb->budget_left > 0 ? sb->budget_left : 0;
}

bool sandbox_exhausted(const struct sandbox *sb)
{
    return sb->budget_left < 0 || sb->refused;
}
