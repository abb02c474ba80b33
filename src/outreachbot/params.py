"""The parameters each on-wiki template accepts: the one list the config reader validates
against and the template installer turns into TemplateData, so the two never drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

CONFIG_TEMPLATE = "Outreachbot config"
SESSION_TEMPLATE = "Outreachbot session"
TASK_TEMPLATE = "Outreachbot task"


@dataclass(frozen=True)
class Param:
    """One template parameter.

    ``kind`` is what the value is read as: ``title``, ``titles`` (comma-separated),
    ``zones``, ``durations``, ``duration``, ``users``, ``int``, ``datetime``, ``date``, ``zone``,
    ``url``, ``choice``, ``wikitext``, ``line``, ``site``.
    """

    name: str
    kind: str
    label: str
    description: str
    example: str = ""
    required: bool = False
    suggested: bool = False
    choices: tuple[str, ...] = ()


# Settings: allowed in {{Outreachbot config}}, and in {{Outreachbot session}} as overrides.
SETTINGS_PARAMS: tuple[Param, ...] = (
    Param("activities_page", "title", "Activities page",
          "The page whose marked blocks list upcoming and past sessions.",
          "Wikimedia and Libraries User Group/Worldwide activities", suggested=True),
    Param("tasks_page", "title", "Open tasks page",
          "The page whose marked blocks hold the task table and the worklist.",
          "Wikimedia and Libraries User Group/Open tasks"),
    Param("task_sources", "titles", "Task sources",
          "Categories and pages searched for {{Outreachbot task}}, comma-separated.",
          "Category:Wikimedia and Libraries User Group tasks"),
    Param("time_zones", "zones", "Time zones",
          "Zones each session time is shown in, as 'IANA zone: label', comma-separated.",
          "Australia/Sydney: Sydney, America/Los_Angeles: Pacific, UTC: GMT", suggested=True),
    Param("announce_before", "durations", "Announce before",
          "How long before a session each announcement is posted, comma-separated.",
          "7 days, 1 day"),
    Param("announce_to", "title", "Delivery list",
          "The page listing where announcements are posted.",
          "Wikimedia and Libraries User Group/Announcement list"),
    Param("announcement", "title", "Announcement text",
          "The page holding the announcement text, with {{{title}}}, {{{when}}} and so on.",
          "Wikimedia and Libraries User Group/Announcement text"),
    Param("announce_heading", "line", "Announcement heading",
          "The heading of each announcement; may use {{{title}}}, {{{date}}} and so on "
          "(blank: the session's title and date).", "{{{title}}}, {{{date}}}"),
    Param("remind_before", "duration", "Remind before",
          "How long before a session its attendees are pinged.", "1 hour"),
    Param("organizers", "users", "Organizers",
          "Users who may steer the bot by editing the config, comma-separated.",
          "Merrilee, Mylee", suggested=True),
    Param("past_sessions", "int", "Past sessions shown",
          "How many ended sessions the activities page keeps before archiving.", "10"),
    Param("status_page", "title", "Status page",
          "Where the bot reports its runs and every problem it found.",
          "User:OutreachBot/Status", suggested=True),
    Param("worklist_wiki", "site", "Worklist wiki",
          "The content wiki of the campaign worklist (blank: this wiki).", "en.wikipedia.org"),
    Param("worklist_topics", "titles", "Worklist topics",
          "Topic categories of the worklist, comma-separated.",
          "Category:Libraries, Category:Librarians"),
    Param("worklist_needs", "title", "Worklist needs",
          "The maintenance category articles must be in to be listed.",
          "Category:All articles with unsourced statements"),
    Param("worklist_depth", "int", "Worklist depth",
          "How deep the topic category trees are walked.", "1"),
    Param("worklist_size", "int", "Worklist size",
          "How many articles are listed per topic.", "10"),
    Param("signup_heading", "line", "Sign-up heading",
          "The heading of the section holding the attendee list.", "Interested attendees"),
    Param("unsigned_template", "line", "Unsigned template",
          "The template added to unsigned lines.", "unsigned"),
    Param("calendar_url", "url", "Calendar feed URL",
          "Where the iCalendar feed is published; shown as an 'add to calendar' link.",
          "https://outreachbot.toolforge.org/calendar.ics"),
    Param("capacity", "int", "Capacity",
          "How many attendees fit; later signers go to a waiting list.", "100"),
)

SESSION_PARAMS: tuple[Param, ...] = (
    Param("id", "line", "Session id",
          "A unique, stable identifier; never change it once announced.",
          "1lib1ref-2020-05-26-apac", required=True),
    Param("event", "line", "Event",
          "Sessions of one event are grouped together.", "#1lib1ref office hours",
          suggested=True),
    Param("title", "line", "Title", "The session's title.",
          "#1lib1ref office hours: Asia and Pacific", required=True),
    Param("start", "datetime", "Start", "Local start time, YYYY-MM-DD HH:MM.",
          "2020-05-26 09:00", required=True),
    Param("time_zone", "zone", "Time zone", "The IANA zone of the start time.",
          "Australia/Sydney", required=True),
    Param("duration", "duration", "Duration", "How long the session lasts.", "60 minutes",
          suggested=True),
    Param("platform", "line", "Platform", "Where it happens.", "Zoom", suggested=True),
    Param("join", "url", "Join link", "The link attendees join with.",
          "https://zoom.us/j/0000000000", suggested=True),
    Param("hosts", "users", "Hosts", "Hosting users, comma-separated.", "Merrilee, Mylee",
          suggested=True),
    Param("agenda", "wikitext", "Agenda", "Topics, one '* topic' line each.",
          "* demonstrating how to add citations"),
    Param("signup_page", "title", "Sign-up page",
          "The page where attendees sign; created by the bot when missing.",
          "Wikimedia and Libraries User Group/Office hours/2020-05-26 Asia and Pacific",
          suggested=True),
    Param("status", "choice", "Status", "scheduled, cancelled or postponed.", "scheduled",
          choices=("scheduled", "cancelled", "postponed")),
    Param("notes", "wikitext", "Notes", "Notes shown once the session has ended."),
    Param("recording", "url", "Recording", "Link to the recording, once there is one."),
    Param("repeat", "choice", "Repeat", "daily, weekly, fortnightly or monthly.", "weekly",
          choices=("daily", "weekly", "fortnightly", "monthly")),
    Param("until", "date", "Repeat until", "Last date of a repeating session, YYYY-MM-DD.",
          "2020-07-28"),
)

TASK_PARAMS: tuple[Param, ...] = (
    Param("task", "line", "Task", "What is to be done, in a few words.", required=True),
    Param("description", "wikitext", "Description", "More about the task."),
    Param("owner", "users", "Owner", "Who takes care of it.", suggested=True),
    Param("due", "date", "Due", "Due date, YYYY-MM-DD.", "2020-06-30", suggested=True),
    Param("status", "choice", "Status", "open, doing or done.", "open",
          choices=("open", "doing", "done"), suggested=True),
    Param("done", "date", "Done on", "When it was done, YYYY-MM-DD.", "2020-07-02"),
)

CONFIG_PARAM_NAMES = frozenset(p.name for p in SETTINGS_PARAMS)
SESSION_PARAM_NAMES = frozenset(p.name for p in SESSION_PARAMS) | CONFIG_PARAM_NAMES
