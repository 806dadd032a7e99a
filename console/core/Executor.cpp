#include <civic/core/Executor.h>

#include <pthread.h>

namespace civic {

SerialExecutor::SerialExecutor(std::string name) : m_name(std::move(name))
{
    m_thread = std::thread([this] { Run(); });
    // Linux limits thread names to 15 characters; the name helps in gdb and top.
    pthread_setname_np(m_thread.native_handle(), m_name.substr(0, 15).c_str());
}

SerialExecutor::~SerialExecutor()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_ready.notify_one();
    m_thread.join();
}

void SerialExecutor::Post(std::function<void()> task)
{
    {
        std::lock_guard lock(m_mutex);
        m_tasks.push_back(std::move(task));
    }
    m_ready.notify_one();
}

void SerialExecutor::Drain()
{
    Submit([] {}).wait();
}

void SerialExecutor::Run()
{
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock lock(m_mutex);
            m_ready.wait(lock, [this] { return m_stopping || !m_tasks.empty(); });
            if (m_tasks.empty())
                return; // stopping, and everything posted has run
            task = std::move(m_tasks.front());
            m_tasks.pop_front();
        }
        task();
    }
}

} // namespace civic
