package io.scopeenforcer.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock the test moves by hand: fixed until {@link #advance(Duration)} or {@link #set(Instant)}.
 * Thread-safe. Shared test fixture (core test-jar).
 */
public final class TestClock extends Clock {

    private volatile Instant now;

    private TestClock(Instant now) {
        this.now = now;
    }

    /** A clock standing at {@code now}. */
    public static TestClock at(Instant now) {
        return new TestClock(Objects.requireNonNull(now, "now"));
    }

    /** Moves the clock forward (or back, with a negative duration). */
    public void advance(Duration by) {
        now = now.plus(by);
    }

    /** Sets the clock. */
    public void set(Instant instant) {
        now = Objects.requireNonNull(instant, "instant");
    }

    /** The current instant. */
    @Override
    public Instant instant() {
        return now;
    }

    /** The current instant in milliseconds. */
    @Override
    public long millis() {
        return now.toEpochMilli();
    }

    /** Always UTC. */
    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** This clock: the zone does not matter to token checks. */
    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
