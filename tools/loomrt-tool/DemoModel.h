// The demo model of loomrt-tool: a fake compiled model for testing loom_main and the C API.
#ifndef LOOM_TOOLS_LOOMRT_TOOL_DEMOMODEL_H
#define LOOM_TOOLS_LOOMRT_TOOL_DEMOMODEL_H

#include "loomrt.h"

#include <string>

// variant: "demo-model" (weights required), "demo-model-random" (random weights, seed 7)
// or "demo-model-embedded" (weights embedded in the binary). argv[0] is the variant.
int runDemoModel(const std::string &variant, int argc, char **argv);

// Calls the C API with bad arguments and a failing pipeline; prints each status and message.
int runApiSelfTest();

#endif // LOOM_TOOLS_LOOMRT_TOOL_DEMOMODEL_H
