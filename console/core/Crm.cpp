#include <civic/core/Crm.h>

#include <civic/Registry.h>

#include <cctype>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace civic::crm {

namespace {

Registry<Connector, ConnectorConfig>& Connectors()
{
    static Registry<Connector, ConnectorConfig> registry;
    return registry;
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm): timegm()
// without the time zone machinery.
std::int64_t DaysFromCivil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

} // namespace

void RegisterConnector(const std::string& name, ConnectorFactory factory)
{
    Connectors().Register(name, std::move(factory));
}

std::unique_ptr<Connector> MakeConnector(const std::string& name, const ConnectorConfig& config)
{
    return Connectors().Make(name, config);
}

std::optional<std::int64_t> ParseW3cDateTime(const std::string& text)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, used = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &used) != 6)
        return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
        return std::nullopt;
    size_t i = static_cast<size_t>(used);
    if (i < text.size() && text[i] == '.') // fractions of a second
        while (++i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])))
            ;
    std::int64_t offset = 0;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
        int oh = 0, om = 0;
        if (std::sscanf(text.c_str() + i + 1, "%2d:%2d", &oh, &om) != 2 &&
            std::sscanf(text.c_str() + i + 1, "%2d%2d", &oh, &om) != 2)
            return std::nullopt;
        offset = (oh * 3600 + om * 60) * (text[i] == '+' ? 1 : -1);
    } else if (i < text.size() && text[i] != 'Z') {
        return std::nullopt;
    }
    // No zone at all: servers that omit it mean UTC more often than not.
    const std::int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    return days * 86400 + h * 3600 + mi * 60 + s - offset;
}

std::string FormatW3cDateTime(std::int64_t unix_seconds)
{
    const std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

} // namespace civic::crm
