// All ops of the loom dialect, one .td per op family.
#ifndef LOOM_OPS_TD
#define LOOM_OPS_TD

include "LoomCore.td"
include "LoomSparse.td"
include "LoomSSM.td"
include "LoomHyper.td"
include "LoomNested.td"

#endif // LOOM_OPS_TD
