// A plugin as one built against an older SDK declares itself: the loader must
// refuse it before calling anything else.
#include <civic/sdk/Plugin.h>

extern "C" CIVICDESK_PLUGIN_EXPORT const CivicDeskPluginInfo* civicdesk_plugin_info()
{
    static const CivicDeskPluginInfo info{civic::sdk::kApiVersion - 1, "oldapi", "0.9", "built for an older console"};
    return &info;
}

extern "C" CIVICDESK_PLUGIN_EXPORT bool civicdesk_plugin_load(civic::sdk::Host&)
{
    // Never reached: a test fails if this file appears.
    return false;
}
