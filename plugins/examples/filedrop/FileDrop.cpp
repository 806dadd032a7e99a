// An example CRM connector built against the installed SDK alone: for a CRM
// without an API, each request becomes a file in a folder that the CRM's
// batch import reads (endpoint = that folder). Filing the same request twice
// (the same idempotency key) writes one file and answers the same id.
#include <civic/sdk/Plugin.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using namespace civic;

class FileDrop final : public crm::Connector
{
public:
    explicit FileDrop(crm::ConnectorConfig c) : m_folder(c.endpoint.rfind("file://", 0) == 0 ? c.endpoint.substr(7) : c.endpoint) {}

    std::string Name() const override { return "filedrop:" + m_folder.string(); }

    Result<std::vector<crm::Service>> Services() override
    {
        crm::Service s;
        s.code = "GENERAL";
        s.name = "General request";
        s.type = "batch";
        return std::vector<crm::Service>{s};
    }
    Result<crm::ServiceDefinition> Definition(const std::string& code) override
    {
        return Error{ErrorKind::NotFound, code + ": no questions for this service"};
    }
    Result<crm::Submitted> Submit(const crm::NewRequest& r, const std::string& key) override
    {
        std::error_code ec;
        fs::create_directories(m_folder, ec);
        const std::string id = "FD-" + std::to_string(std::hash<std::string>{}(key) % 100000000);
        const fs::path file = m_folder / (id + ".txt");
        if (!fs::exists(file, ec)) {
            const fs::path part = m_folder / (id + ".part");
            std::ofstream out(part, std::ios::binary);
            out << "id: " << id << "\nservice: " << r.service_code << "\naddress: " << r.address
                << "\ndescription: " << r.description << "\n";
            out.close();
            if (!out || (fs::rename(part, file, ec), ec)) // whole or not at all
                return Error{ErrorKind::Io, "cannot write " + file.string()};
        }
        crm::Submitted s;
        s.request_id = id;
        return s;
    }
    Result<std::vector<crm::RequestState>> FromToken(const std::string&) override { return List(); }
    Result<std::vector<crm::RequestState>> Requests(const std::vector<std::string>&) override { return List(); }
    Result<std::vector<crm::RequestState>> UpdatedSince(std::int64_t) override { return List(); }
    Result<std::vector<crm::RequestState>> Recent(const std::string&, std::int64_t) override { return List(); }

private:
    // Every request filed so far, open until the CRM's import removes its file.
    Result<std::vector<crm::RequestState>> List() const
    {
        std::vector<crm::RequestState> out;
        std::error_code ec;
        for (fs::directory_iterator it(m_folder, ec), end; !ec && it != end; it.increment(ec))
            if (it->path().extension() == ".txt") {
                crm::RequestState s;
                s.request_id = it->path().stem().string();
                s.status = "open";
                out.push_back(s);
            }
        return out;
    }

    fs::path m_folder;
};

} // namespace

CIVICDESK_DECLARE_PLUGIN("filedrop", "1.0", "Example: requests written as files for a CRM's batch import")

extern "C" CIVICDESK_PLUGIN_EXPORT bool civicdesk_plugin_load(civic::sdk::Host& host)
{
    host.AddConnector({"filedrop", "Files in a folder",
                       {{"endpoint", "Folder", civic::sdk::SettingField::Kind::Text, true, {}, "", "Where the CRM's import reads"}}},
                      [](const civic::crm::ConnectorConfig& c) -> std::unique_ptr<civic::crm::Connector> {
                          return std::make_unique<FileDrop>(c);
                      });
    // Requests a CRM's batch import brings back were made on paper forms.
    return host.AddChannel({"paper-form", "Paper form", 'P', 0x6d4c41});
}
