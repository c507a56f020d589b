/* json_arena.h — cJSON's memory for work that builds a large tree, renders it and drops it
 * whole (the consolidated report: a million small items). While an arena is open on a
 * thread, that thread's cJSON items are cut from big blocks by moving a pointer, freeing
 * one is nothing, and closing the arena gives every block back at once: no malloc and free
 * per item, and no heap of freed fragments for the next large allocation to sweep up.
 *
 * The rule that makes it safe: nothing cJSON allocates while the arena is open may be used
 * after it is closed (render to malloc'd bytes first). Items made before it opened may be
 * freed inside it (they go back to malloc). Other threads are not affected. Under a
 * sanitizer the arena is off, so every item stays visible to it. */
#ifndef THIDUA_UTIL_JSON_ARENA_H
#define THIDUA_UTIL_JSON_ARENA_H

struct json_arena;

/* Routes cJSON's allocations through the arenas. Call once, before any thread starts (main
 * does); json_arena_open does it too if nobody has. */
void json_arena_install(void);
/* Opens an arena on this thread (NULL when the arena is off or out of memory: cJSON then
 * uses malloc as usual). */
struct json_arena *json_arena_open(void);
/* Closes it: every block is freed. NULL is fine. */
void json_arena_close(struct json_arena *arena);

#endif
