/* landlock.c: placeholder until issue 3 lands; confines nothing yet. */
#include "sandrun.h"
int landlock_probe(void) { return 0; }
void landlock_prepare(struct fs_policy *fs) { (void)fs; }
void landlock_apply(struct fs_policy *fs) { (void)fs; }
void landlock_print(const struct fs_policy *fs, FILE *out) { (void)fs; (void)out; }
size_t landlock_protections(int abi, bool allow_net, struct protection *out, size_t max) { (void)abi; (void)allow_net; (void)out; (void)max; return 0; }
