package dev.longvqa.worker;

/**
 * Counters for /health and logs. {@code processed} counts tasks whose outcome was reported
 * (success, failure, or a token that was already gone); {@code failed} the SendTaskFailure calls.
 */
record WorkerStats(String status, int inFlight, long processed, long succeeded, long failed, long tokenGone,
                          long poison, long handedBack) {}
