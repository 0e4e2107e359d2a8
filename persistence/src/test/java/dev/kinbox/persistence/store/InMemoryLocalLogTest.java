package dev.kinbox.persistence.store;

class InMemoryLocalLogTest extends LocalLogContract {
    @Override
    protected LocalLog newLog() {
        return new InMemoryLocalLog();
    }
}
