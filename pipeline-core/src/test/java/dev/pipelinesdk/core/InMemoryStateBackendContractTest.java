package dev.pipelinesdk.core;

import dev.pipelinesdk.api.StateBackend;
import dev.pipelinesdk.api.StateBackendContractTest;

class InMemoryStateBackendContractTest extends StateBackendContractTest {

    private final InMemoryStateBackend backend = new InMemoryStateBackend();

    @Override
    protected StateBackend newBackend() {
        return backend;
    }

    @Override
    protected void writeRawStatus(String pipeline, byte[] bytes) {
        backend.writeRawStatus(pipeline, bytes);
    }

    @Override
    protected byte[] readRawStatus(String pipeline) {
        return backend.readStatusBytes(pipeline);
    }
}
