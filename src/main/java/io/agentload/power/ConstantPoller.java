package io.agentload.power;

import java.util.List;

/** A stated power figure, read back on every poll so that it is sampled, stored and summarised like a measured one. */
record ConstantPoller(double watts) implements Poller {

    @Override
    public List<Reading> poll() {
        return List.of(Reading.watts(PowerSource.CONSTANT, watts));
    }
}
