// Knowledge base vocabulary: articles, their revisions, flags and the people
// who act on them.
#pragma once

#include <civic/core/Settings.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace civic::kb {

enum class Status
{
    Draft,
    Review,
    Published,
    Archived,
};

enum class Audience
{
    Agent,  // a script for call-takers to read out or follow
    Public, // may be shared with residents as is
};

enum class FlagKind
{
    Outdated,
    Wrong,
    Helpful,
    NotHelpful,
};

std::string_view ToString(Status s);
std::optional<Status> StatusFromString(std::string_view s);
std::string_view ToString(Audience a);
std::optional<Audience> AudienceFromString(std::string_view s);
std::string_view ToString(FlagKind k);
std::optional<FlagKind> FlagKindFromString(std::string_view s);

// Who is acting: the knowledge base checks every change against the role.
struct Actor
{
    std::string name;
    Role role = Role::CallTaker;
};

// What an editor edits. body is sanitised HTML (see Html.h); keywords and
// service_codes are comma-separated; category is a path such as
// "Sanitation/Trash and recycling"; review_by is YYYY-MM-DD or empty.
struct Content
{
    std::string title;
    std::string summary;
    std::string body;
    std::string keywords;
    std::string category;
    std::string service_codes;
    std::string language = "en";
    Audience audience = Audience::Agent;
    std::string owner;
    std::string review_by;

    bool operator==(const Content&) const = default;
};

struct Attachment
{
    std::string name;
    std::string path; // a file the system viewer opens
};

struct Article
{
    std::int64_t id = 0;
    std::string uid;               // stable across sync, import and export
    std::string translation_group; // the same article in other languages shares it
    Content content;
    Status status = Status::Draft;
    int revision = 0; // the latest revision number of this uid
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
    // A working copy of a published article being edited: the published one
    // stays what agents read until this copy is approved.
    std::optional<std::int64_t> working_copy_of;
    std::string submitted_by;
    std::string review_comment; // why it was sent back
    std::vector<Attachment> attachments;
};

struct RevisionInfo
{
    int number = 0;
    Status status = Status::Draft;
    std::string author;
    std::int64_t at = 0;
    std::string note;
};

struct Revision
{
    RevisionInfo info;
    Content content;
};

struct Flag
{
    std::int64_t article_id = 0;
    FlagKind kind = FlagKind::Helpful;
    std::string comment;
    std::string agent;
    std::int64_t at = 0;
};

} // namespace civic::kb
