/**
 * A client of several API processes that behaves like a load balancer with retries: a request
 * that failed because its process died or could not answer (connection refused or reset, 5xx,
 * 429) is sent again, to the next process, with the same idempotency key or delivery id, until it
 * is accepted. Any other answer (4xx) is a failure of the test.
 */

export interface StartRequest {
  /** Path and query, e.g. `/hooks/chaos-plain`. */
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface RetryingClient {
  /** Sends until accepted; resolves with the run id the accepting process answered with. */
  send(request: StartRequest, first: number): Promise<string>;
  /** Requests sent again after a failed attempt. */
  retried(): number;
}

export function retryingClient(urls: readonly string[], deadlineMs: number): RetryingClient {
  let retried = 0;
  return {
    retried: () => retried,
    async send(request, first) {
      const deadline = Date.now() + deadlineMs;
      let last = '';
      for (let attempt = 0; ; attempt++) {
        const base = urls[(first + attempt) % urls.length] as string;
        try {
          const response = await fetch(`${base}${request.path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...request.headers },
            body: request.body,
            signal: AbortSignal.timeout(15_000),
          });
          const text = await response.text();
          if (response.status === 200 || response.status === 202) {
            const json = JSON.parse(text) as { runId?: string; id?: string };
            const id = json.runId ?? json.id;
            if (typeof id !== 'string') throw new Error(`no run id in ${text}`);
            return id;
          }
          if (response.status < 500 && response.status !== 429) {
            throw new RefusedError(`${request.path} answered ${response.status}: ${text}`);
          }
          last = `${response.status} ${text.slice(0, 200)}`;
        } catch (error) {
          if (error instanceof RefusedError) throw error;
          last = String(error);
        }
        if (Date.now() > deadline) throw new Error(`${request.path} never accepted; last: ${last}`);
        retried++;
        await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 150));
      }
    },
  };
}

class RefusedError extends Error {}
