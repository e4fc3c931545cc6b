/* The reentrancy flag (guard.h): its one definition, in the core the unit
 * tests link too. */
#include "guard.h"

__thread int eg_busy __attribute__((tls_model("initial-exec")));
