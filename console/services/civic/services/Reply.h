// The services answer with civic::Reply (civic/Reply.h), shared with the
// knowledge service below them.
#pragma once

#include <civic/Reply.h>

namespace civic::services {

using civic::Answer;
using civic::Await;
using civic::Reply;

} // namespace civic::services
