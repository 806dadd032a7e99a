// Registry<Product, Config>: named factories that plugins fill at start-up
// (CRM connectors, knowledge sources) and the session picks from by name.
//
// Thread-safe: Register and Make may be called from any thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace civic {

template <class Product, class Config>
class Registry
{
public:
    using Factory = std::function<std::unique_ptr<Product>(const Config&)>;

    // A second factory under the same name replaces the first.
    void Register(const std::string& name, Factory factory)
    {
        std::lock_guard lock(m_mutex);
        m_factories[name] = std::move(factory);
    }

    // nullptr when nothing is registered under that name.
    std::unique_ptr<Product> Make(const std::string& name, const Config& config) const
    {
        Factory factory;
        {
            std::lock_guard lock(m_mutex);
            auto it = m_factories.find(name);
            if (it == m_factories.end())
                return nullptr;
            factory = it->second;
        }
        return factory(config); // outside the lock: a factory may take its time
    }

private:
    mutable std::mutex m_mutex;
    std::map<std::string, Factory> m_factories;
};

} // namespace civic
