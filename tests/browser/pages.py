"""The personal app's pages, as the browser tests visit them (one list, so a new page is checked everywhere)."""

PERSONAL_PAGES = (
    "/",
    "/learn",
    "/exercises",
    "/exercises/nerve-glide",
    "/exercises/prone-press-up",
    "/checkin",
    "/checkin/sbi",
    "/plan",
    "/progress",
    "/history",
    "/screening",
    "/safety",
    "/reminders",
    "/offline",
)
