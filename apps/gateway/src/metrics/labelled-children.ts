/**
 * A metric's child per set of label values, made on first use and kept: prom-client's `labels(...)`
 * builds and checks a label object each time it is called, and `inc({...})` / `observe({...})` take
 * one built by the caller on every request. The values come from configuration and the route table
 * (methods, routes, statuses, client and account ids, catalogue codes), so the map stays as small as
 * the metric's own series.
 */
export function labelledChildren<Child>(
  make: (...values: string[]) => Child,
): (...values: string[]) => Child {
  const children = new Map<string, Child>();
  return (...values) => {
    // NUL never occurs in those values, so joined values name one set.
    const key = values.join('\u0000');
    let child = children.get(key);
    if (child === undefined) {
      child = make(...values);
      children.set(key, child);
    }
    return child;
  };
}
