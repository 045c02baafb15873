// Show <time data-local datetime="..."> in the reader's own time zone; the server writes UTC.
export function localizeTimes(root = document) {
  for (const el of root.querySelectorAll("time[data-local][datetime]")) {
    const moment = new Date(el.getAttribute("datetime"));
    if (!Number.isNaN(moment.getTime())) {
      el.textContent = moment.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
    }
  }
}

localizeTimes();
