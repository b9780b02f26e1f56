// One fetch at a time per thing, however many events name it: an event that comes while the
// thing is being fetched asks for one more fetch after it, not one each.
export function coalescing(fetch: (id: number) => Promise<unknown>) {
  const asked_again = new Map<number, boolean>(); // id -> asked again while in flight
  return function refetch(id: number) {
    if (asked_again.has(id)) return void asked_again.set(id, true);
    asked_again.set(id, false);
    const again = (): Promise<void> =>
      fetch(id).then(() => {}, () => {}).finally(() => {
        if (asked_again.get(id)) {
          asked_again.set(id, false);
          void again();
        } else asked_again.delete(id);
      });
    void again();
  };
}
