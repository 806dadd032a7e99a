// Result<T> and Error are part of the plugin SDK (civic/sdk/Result.h), so
// that a connector built out of tree speaks the same vocabulary.
#pragma once

#include <civic/sdk/Result.h>
