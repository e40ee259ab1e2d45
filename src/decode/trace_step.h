// A firewall step: the netfilter library's public type, as decode/, track/ and output/ see it.
#pragma once

#include "ftnettrace/firewall_step.h"
