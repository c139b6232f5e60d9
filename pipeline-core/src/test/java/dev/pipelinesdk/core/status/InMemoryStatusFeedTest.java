package dev.pipelinesdk.core.status;

import dev.pipelinesdk.api.StateBackend;
import dev.pipelinesdk.core.InMemoryStateBackend;
import java.nio.charset.StandardCharsets;

class InMemoryStatusFeedTest extends StatusFeedContractTest {

    @Override
    StateBackend newBackend() {
        return new InMemoryStateBackend();
    }

    @Override
    void corrupt(StateBackend backend, String pipeline) {
        ((InMemoryStateBackend) backend).writeRawStatus(pipeline, "{not json".getBytes(StandardCharsets.UTF_8));
    }
}
