// The libtracefs calls ftnettrace makes. libtracefs 1.6's header has inline functions that
// are not valid C++ (an int passed as an enum), so C++ code reaches it through this C file.
#pragma once

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tracefs_instance;

struct tracefs_instance* ftnt_tracefs_instance_create(const char* name);
int ftnt_tracefs_instance_destroy(struct tracefs_instance* instance);
void ftnt_tracefs_instance_free(struct tracefs_instance* instance);
int ftnt_tracefs_instance_set_buffer_size(struct tracefs_instance* instance, size_t kb, int cpu);

#ifdef __cplusplus
}
#endif
