// A shared module that is not a CivicDesk plugin: the loader must refuse it.
extern "C" int civicdesk_something_else() { return 1; }
