#include "attach/tracefs_calls.h"

#include <tracefs.h>

struct tracefs_instance* ftnt_tracefs_instance_create(const char* name) {
    return tracefs_instance_create(name);
}

int ftnt_tracefs_instance_destroy(struct tracefs_instance* instance) {
    return tracefs_instance_destroy(instance);
}

void ftnt_tracefs_instance_free(struct tracefs_instance* instance) {
    tracefs_instance_free(instance);
}

int ftnt_tracefs_instance_set_buffer_size(struct tracefs_instance* instance, size_t kb, int cpu) {
    return tracefs_instance_set_buffer_size(instance, kb, cpu);
}
