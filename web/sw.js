// The service worker (Web Push reminders, issue 17): shows each push as a notification and opens
// its task when the notification is clicked. Served at /sw.js (scope /) with Cache-Control:
// no-cache, so a changed worker is picked up on the next visit.
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

/** The push's JSON {task_id, title, due}; a push that is not JSON shows its text. */
function message(event) {
  if (!event.data) return {};
  try {
    return event.data.json();
  } catch {
    return { title: event.data.text() };
  }
}

self.addEventListener('push', (event) => {
  const data = message(event);
  const due = data.due ? new Date(data.due) : null;
  const body = due && !Number.isNaN(due.getTime())
    ? `Due ${due.toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' })}`
    : (data.task_id ? 'Reminder' : 'Notifications from TaskAI work in this browser.');
  event.waitUntil(self.registration.showNotification(data.title || 'TaskAI reminder', {
    body,
    icon: '/favicon.svg',
    tag: data.task_id ? `task-${data.task_id}` : 'taskai-test', // a newer push replaces the older
    data: { task_id: data.task_id || null },
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const id = event.notification.data?.task_id;
  const target = new URL(id ? `/tasks/${id}` : '/today', self.location.origin).href;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
    if (open) {
      await open.focus();
      return open.navigate ? open.navigate(target) : null;
    }
    return self.clients.openWindow(target);
  })());
});
