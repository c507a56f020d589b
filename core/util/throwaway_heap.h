/* throwaway_heap.h — memory for a process that exits when its work is done (a rule process:
 * its Lua collector is stopped, nothing it allocates is ever given back).
 *
 * Blocks are cut from 32 MiB chunks by moving a pointer; each chunk is aligned to 2 MiB and
 * advised for transparent huge pages, so the kernel maps it a huge page at a time where it
 * can (one page fault and one zeroing per 2 MiB instead of 512 of each: evaluating a
 * province, most of a rule process's system time was faulting in fresh 4 KiB pages). A freed
 * block is left where it is; a grown one is moved (the last block grows in place). Nothing
 * is returned to the system before the process exits.
 *
 * Single-threaded, like the rule processes that use it. Under a sanitizer it is off
 * (throwaway_heap_alloc returns NULL: callers fall back to malloc), so every block stays
 * visible to it. */
#ifndef THIDUA_UTIL_THROWAWAY_HEAP_H
#define THIDUA_UTIL_THROWAWAY_HEAP_H

#include <stdbool.h>
#include <stddef.h>

/* A block of n bytes (n > 0), 16-byte aligned, or NULL (no memory, or the heap is off). */
void *throwaway_heap_alloc(size_t n);
/* Whether p was cut from this heap. */
bool throwaway_heap_owns(const void *p);
/* A block of this heap resized from old_size to new_size bytes (new_size > 0): in place
 * when it shrinks or is the last block cut, else moved with its contents; NULL when there
 * is no memory (the block is untouched). */
void *throwaway_heap_resize(void *p, size_t old_size, size_t new_size);
/* How many bytes have been cut from the heap so far (freed blocks included). */
size_t throwaway_heap_size(void);
/* Advises [p, p + n) for huge pages where it holds whole 2 MiB pages (a large buffer about to
 * be written from start to end). Does nothing when the heap is off. */
void throwaway_heap_advise(void *p, size_t n);

#endif
