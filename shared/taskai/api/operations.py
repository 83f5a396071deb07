"""The operations of the HTTP API: the contract each function implements and OpenAPI describes."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from taskai.api import schemas as s
from taskai.domain.api_tokens import SESSION


@dataclass(frozen=True)
class Operation:
    """One method on one path, served by one function."""

    id: str
    method: str
    path: str  # werkzeug rule syntax: /api/tasks/<uuid:task_id>
    function: str
    summary: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    public: bool = False  # no bearer token needed
    # The path parameter whose value the answer carries, and where (a JSON pointer): OpenAPI
    # links it to every operation with that parameter, and so do stateful tests.
    gives: tuple[str, str] | None = None
    # What an API token needs to call it (a Scope, or SESSION: a password login only); every
    # operation but a public one names one. A session has every scope.
    scope: str | None = None
    # The body or query names other rows by id (a project, a section): 404 when not the caller's.
    refers: bool = False
    # A body that is not JSON (import and export, issue 17): its media type and the OpenAPI
    # format of its text.
    upload: tuple[str, str] | None = None
    # The calendar feed (issue 17): the success answer's media type, when it is not JSON.
    media: str | None = None
    # Web Push (issue 17): creating what the caller has already answers 200 with it, not 201.
    repeats: bool = False
    # The path itself is a credential (the calendar feed): logs show the route, not the path.
    secret_path: bool = False


# fmt: off
OPERATIONS = (
    Operation("register", "POST", "/api/auth/register", "auth", "Create an account",
              body=s.RegisterIn, response=s.RegisteredPublic, status=201, public=True),
    Operation("login", "POST", "/api/auth/login", "auth", "Exchange email and password for a token",
              body=s.LoginIn, response=s.TokenPublic, public=True),
    Operation("getProfile", "GET", "/api/auth/me", "auth", "The caller's account",
              response=s.UserPublic, scope="account:read"),
    Operation("updateProfile", "PATCH", "/api/auth/me", "auth", "Change name or time zone",
              body=s.ProfileUpdate, response=s.UserPublic, scope=SESSION),
    Operation("deleteAccount", "DELETE", "/api/auth/me", "auth",
              "Delete the account with its tasks, tags, reminders and logs",
              body=s.AccountDeletion, status=204, scope=SESSION),
    Operation("changePassword", "POST", "/api/auth/password", "auth",
              "Change the password given the current one; every earlier session ends",
              body=s.PasswordChange, status=204, scope=SESSION),
    Operation("logout", "POST", "/api/auth/logout", "auth",
              "End the sessions: the one used and every other (API tokens stay valid)",
              status=204, scope=SESSION),
    Operation("requestPasswordReset", "POST", "/api/auth/password-reset", "auth",
              "Email a single-use reset link (the answer is the same for any email)",
              body=s.PasswordResetRequest, response=s.AcceptedPublic, status=202, public=True),
    Operation("confirmPasswordReset", "POST", "/api/auth/password-reset/confirm", "auth",
              "Set a new password with a reset link's token", body=s.PasswordResetConfirm,
              status=204, public=True),
    # Personal API tokens (issue 17): managed from a password login only.
    Operation("listApiTokens", "GET", "/api/tokens", "auth", "The caller's API tokens",
              response=s.ApiTokenList, scope=SESSION),
    Operation("createApiToken", "POST", "/api/tokens", "auth",
              "Create an API token; its secret is in this answer only",
              body=s.ApiTokenCreate, response=s.ApiTokenCreated, status=201,
              gives=("token_id", "/id"), scope=SESSION),
    Operation("deleteApiToken", "DELETE", "/api/tokens/<uuid:token_id>", "auth",
              "Revoke an API token", status=204, scope=SESSION),
    # Webhooks (issue 17), served by the auth function: the caller's own events, signed.
    Operation("listWebhooks", "GET", "/api/webhooks", "auth", "The caller's webhooks",
              response=s.WebhookList, scope="webhooks:write"),
    Operation("createWebhook", "POST", "/api/webhooks", "auth",
              "Create a webhook; its signing secret is in this answer only",
              body=s.WebhookCreate, response=s.WebhookCreated, status=201,
              gives=("webhook_id", "/id"), scope="webhooks:write"),
    Operation("updateWebhook", "PATCH", "/api/webhooks/<uuid:webhook_id>", "auth",
              "Change a webhook's URL or event types, or disable or enable it",
              body=s.WebhookUpdate, response=s.WebhookPublic, scope="webhooks:write"),
    Operation("deleteWebhook", "DELETE", "/api/webhooks/<uuid:webhook_id>", "auth",
              "Delete a webhook with its deliveries", status=204, scope="webhooks:write"),
    Operation("listWebhookDeliveries", "GET", "/api/webhooks/<uuid:webhook_id>/deliveries",
              "auth", "A webhook's latest deliveries, newest first", query=s.DeliveryParams,
              response=s.DeliveryList, scope="webhooks:write"),
    # Web Push reminders (issue 17), served by the auth function: browsers' subscriptions, made
    # from the web app's password login (no API token needs them).
    Operation("getPushKey", "GET", "/api/push/key", "auth",
              "The VAPID public key a browser subscribes with", response=s.PushKeyPublic,
              scope=SESSION),
    Operation("listPushSubscriptions", "GET", "/api/push-subscriptions", "auth",
              "The caller's browser push subscriptions", response=s.PushSubscriptionList,
              scope=SESSION),
    Operation("createPushSubscription", "POST", "/api/push-subscriptions", "auth",
              "Receive reminders in this browser (201; 200 with the caller's existing one for "
              "its endpoint)", body=s.PushSubscriptionCreate, response=s.PushSubscriptionPublic,
              status=201, gives=("subscription_id", "/id"), scope=SESSION, repeats=True),
    Operation("deletePushSubscription", "DELETE",
              "/api/push-subscriptions/<uuid:subscription_id>", "auth",
              "Stop push reminders to a browser", status=204, scope=SESSION),
    Operation("sendTestPush", "POST", "/api/push/test", "auth",
              "Push a test notification to each of the caller's subscriptions",
              response=s.PushTestReport, scope=SESSION),
    Operation("createTask", "POST", "/api/tasks", "tasks", "Create a task",
              body=s.TaskCreate, response=s.TaskPublic, status=201, gives=("task_id", "/id"),
              scope="tasks:write", refers=True),
    Operation("listTasks", "GET", "/api/tasks", "tasks", "Filter, search, sort and page tasks",
              query=s.TaskListParams, response=s.TaskPage, scope="tasks:read", refers=True),
    Operation("getTask", "GET", "/api/tasks/<uuid:task_id>", "tasks", "One task",
              response=s.TaskPublic, scope="tasks:read"),
    Operation("updateTask", "PATCH", "/api/tasks/<uuid:task_id>", "tasks", "Change some fields",
              body=s.TaskUpdate, response=s.TaskPublic, scope="tasks:write", refers=True),
    Operation("deleteTask", "DELETE", "/api/tasks/<uuid:task_id>", "tasks", "Delete a task",
              status=204, scope="tasks:write"),
    Operation("completeTask", "POST", "/api/tasks/<uuid:task_id>/complete", "tasks",
              "Mark a task done (idempotent)", response=s.TaskPublic, scope="tasks:write"),
    Operation("reopenTask", "POST", "/api/tasks/<uuid:task_id>/reopen", "tasks",
              "Undo a completion (idempotent); a subtask reopens its completed ancestors too",
              response=s.TaskPublic, scope="tasks:write"),
    Operation("skipTask", "POST", "/api/tasks/<uuid:task_id>/skip", "tasks",
              "Complete a recurring occurrence as skipped; the next one follows",
              response=s.TaskPublic, scope="tasks:write"),
    Operation("moveTask", "POST", "/api/tasks/<uuid:task_id>/move", "tasks",
              "Move a task to a project, section or parent, after or before a sibling; its "
              "subtasks follow", body=s.TaskMove, response=s.TaskPublic, scope="tasks:write",
              refers=True),
    Operation("listSeries", "GET", "/api/tasks/<uuid:task_id>/series", "tasks",
              "The occurrences of the task's series, oldest first, a page at a time",
              query=s.SeriesParams, response=s.SeriesPage, scope="tasks:read"),
    # projects and sections
    Operation("listProjects", "GET", "/api/projects", "tasks",
              "Every project by position (at most 500), with open task counts",
              response=s.ProjectList, scope="projects:read"),
    Operation("createProject", "POST", "/api/projects", "tasks", "Create a project",
              body=s.ProjectCreate, response=s.ProjectPublic, status=201,
              gives=("project_id", "/id"), scope="projects:write"),
    Operation("getProject", "GET", "/api/projects/<uuid:project_id>", "tasks", "One project",
              response=s.ProjectPublic, scope="projects:read"),
    Operation("updateProject", "PATCH", "/api/projects/<uuid:project_id>", "tasks",
              "Rename, recolor, change the view, move or archive a project",
              body=s.ProjectUpdate, response=s.ProjectPublic, scope="projects:write"),
    Operation("deleteProject", "DELETE", "/api/projects/<uuid:project_id>", "tasks",
              "Delete a project with its sections, and its tasks unless move_to names a project",
              query=s.ProjectDeleteParams, status=204, scope="projects:write"),
    Operation("listSections", "GET", "/api/projects/<uuid:project_id>/sections", "tasks",
              "A project's sections by position", response=s.SectionList, scope="projects:read"),
    Operation("createSection", "POST", "/api/projects/<uuid:project_id>/sections", "tasks",
              "Create a section in a project", body=s.SectionCreate, response=s.SectionPublic,
              status=201, gives=("section_id", "/id"), scope="projects:write"),
    Operation("updateSection", "PATCH", "/api/sections/<uuid:section_id>", "tasks",
              "Rename or move a section", body=s.SectionUpdate, response=s.SectionPublic,
              scope="projects:write"),
    Operation("deleteSection", "DELETE", "/api/sections/<uuid:section_id>", "tasks",
              "Delete a section; its tasks stay in the project, in no section", status=204,
              scope="projects:write"),
    Operation("sync", "GET", "/api/sync", "tasks",
              "Everything changed since a cursor (opaque), in pages (has_more) of whole commits, "
              "at most 500 rows of a kind; a larger commit comes split, at most 500 rows a page, "
              "tags, projects, sections, filters, tasks, then deletions",
              query=s.SyncParams, response=s.SyncPublic, scope="tasks:read"),
    # Live push (issue 17): its own function, as its connections are long and many.
    Operation("streamChanges", "GET", "/api/stream", "stream",
              "Sync pages as Server-Sent Events (id: the cursor; Last-Event-ID or cursor "
              "resumes, also inside a split commit), heartbeats, ending after a minute or on "
              "logout; 503 when full",
              query=s.SyncParams, scope="tasks:read", media="text/event-stream"),
    # Saved filters (issue 16), served by the tasks function.
    Operation("listFilters", "GET", "/api/filters", "tasks",
              "Saved filters by position", response=s.FilterList, scope="tasks:read"),
    Operation("createFilter", "POST", "/api/filters", "tasks",
              "Save a filter query under a name (the query must parse)",
              body=s.FilterCreate, response=s.FilterPublic, status=201,
              gives=("filter_id", "/id"), scope="tasks:write"),
    Operation("updateFilter", "PATCH", "/api/filters/<uuid:filter_id>", "tasks",
              "Rename a saved filter, change its query, color or position",
              body=s.FilterUpdate, response=s.FilterPublic, scope="tasks:write"),
    Operation("deleteFilter", "DELETE", "/api/filters/<uuid:filter_id>", "tasks",
              "Delete a saved filter", status=204, scope="tasks:write"),
    # Import and export (issue 17): from a password login only, as they span every scope.
    Operation("exportAccount", "GET", "/api/export", "tasks",
              "All of the caller's data as one JSON document, streamed", response=s.ExportPublic,
              scope=SESSION),
    Operation("importAccount", "POST", "/api/import", "tasks",
              "Import an export (at most 10 MB, 50,000 tasks) in one transaction, once per "
              "import id (Idempotency-Key, else the file's export_id)", body=s.ImportIn,
              response=s.ImportReport, scope=SESSION),
    Operation("importTodoist", "POST", "/api/import/todoist", "tasks",
              "Import Todoist's CSV export (text/csv or a multipart `file`) into one project",
              query=s.TodoistImportParams, response=s.ImportReport, scope=SESSION,
              upload=("text/csv", "todoist-csv")),
    # The calendar feed (issue 17): the URL's token is the feed's credential. Showing or
    # rotating it needs a session: the URL reads every dated task for as long as it stands, more
    # than an API token's own scopes may grant (and rotating cuts off every subscribed client).
    Operation("getCalendarFeed", "GET", "/api/calendar/<token>.ics", "tasks",
              "The caller's tasks with due dates as iCalendar (RFC 5545), for calendar apps; "
              "the path's token is the credential", public=True, media="text/calendar",
              secret_path=True),
    Operation("getCalendar", "GET", "/api/calendar", "tasks",
              "The secret calendar feed URL (null until created)",
              response=s.CalendarPublic, scope=SESSION),
    Operation("rotateCalendarToken", "POST", "/api/calendar/token", "tasks",
              "Create the calendar feed URL, or replace it: the old one answers 404",
              response=s.CalendarPublic, scope=SESSION),
    Operation("parseText", "POST", "/api/ai/parse", "ai", "Parse a line of text into a task draft",
              body=s.QuickAddIn, response=s.DraftPublic, scope="tasks:write", refers=True),
    Operation("createFromText", "POST", "/api/ai/tasks", "ai", "Create a task from a line of text",
              body=s.QuickAddIn, response=s.QuickAddPublic, status=201,
              gives=("task_id", "/task/id"), scope="tasks:write", refers=True),
    Operation("listTags", "GET", "/api/tags", "tags", "Tags with counts; prefix autocomplete",
              query=s.TagListParams, response=s.TagList, scope="tags:read"),
    Operation("createTag", "POST", "/api/tags", "tags", "Create a tag",
              body=s.TagCreate, response=s.TagPublic, status=201, gives=("tag_id", "/id"),
              scope="tags:write"),
    Operation("updateTag", "PATCH", "/api/tags/<uuid:tag_id>", "tags", "Rename or recolor a tag",
              body=s.TagUpdate, response=s.TagPublic, scope="tags:write"),
    Operation("deleteTag", "DELETE", "/api/tags/<uuid:tag_id>", "tags",
              "Delete a tag and take it off its tasks", status=204, scope="tags:write"),
)
# fmt: on
