/* filter.c: placeholder until issue 4 lands; installs nothing yet. */
#include "sandrun.h"
void filter_prepare(const struct sys_policy *sys) { (void)sys; }
void filter_install(void) { }
void filter_print(const struct sys_policy *sys, FILE *out) { (void)sys; (void)out; }
size_t filter_protections(const struct sys_policy *sys, struct protection *out, size_t max) { (void)sys; (void)out; (void)max; return 0; }
