package io.trawl.scrape.worker;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.trawl.common.json.WireJson;
import io.trawl.common.message.TaskMessage;
import io.trawl.common.message.Topology;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plays job-service's dispatcher for the jobs a test hands it (no politeness, no fairness): every 50 ms it
 * marks due pending tasks of running managed jobs queued, commits, and publishes their {@link TaskMessage}s
 * to {@code trawl.tasks} (persistent, mandatory, confirmed). A test harness, not a mock: the worker sees the
 * same rows and messages it sees in production.
 */
final class TestDispatcher {

    /**
     * Locks the running managed jobs first, as job-service's dispatcher does: a pause or kill that commits while
     * this round runs then waits for it, or is seen by it. Without the lock a round whose snapshot predates a
     * pause would mark pending tasks of the now paused job queued, after the pause's own queued → pending.
     */
    private static final String LOCK_RUNNING_JOBS = "SELECT id FROM trawl.jobs WHERE id = ANY(?) "
            + "AND status = 'running' ORDER BY id FOR KEY SHARE";

    private static final String QUEUE = "UPDATE trawl.tasks t SET state = 'queued', queued_at = now(), "
            + "dispatch_token = nextval('trawl.dispatch_tokens') "
            + "WHERE t.id IN (SELECT c.id FROM trawl.tasks c "
            + "  WHERE c.job_id = ANY(?) AND c.state = 'pending' AND c.next_attempt_at <= now() "
            + "  ORDER BY c.id LIMIT 200 FOR UPDATE OF c SKIP LOCKED) "
            + "RETURNING t.id, t.job_id, t.url, t.depth, t.attempt, t.dispatch_token";

    private static final TestDispatcher INSTANCE = new TestDispatcher();

    private final Set<UUID> managed = ConcurrentHashMap.newKeySet();
    private volatile Thread loop;

    static TestDispatcher get() {
        INSTANCE.ensureRunning();
        return INSTANCE;
    }

    void manage(UUID jobId) {
        managed.add(jobId);
    }

    /** Marks one task queued and publishes its message {@code times} times (a duplicate delivery). */
    static TaskMessage queueAndPublish(long taskId, int times) {
        TaskMessage message = queue(taskId);
        publish(List.of(message), times);
        return message;
    }

    /** Marks one task queued under a new dispatch token, without publishing; its message. */
    static TaskMessage queue(long taskId) {
        TaskMessage message;
        try (var db = TestInfra.db(); PreparedStatement st = db.prepareStatement("UPDATE trawl.tasks SET state = "
                + "'queued', queued_at = now(), dispatch_token = nextval('trawl.dispatch_tokens') WHERE id = ? "
                + "RETURNING id, job_id, url, depth, attempt, dispatch_token")) {
            st.setLong(1, taskId);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                message = new TaskMessage(rs.getLong(1), (UUID) rs.getObject(2), rs.getString(3), rs.getInt(4),
                        rs.getInt(5), rs.getLong(6));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return message;
    }

    static void publish(TaskMessage message) {
        publish(List.of(message), 1);
    }

    static void publishRaw(byte[] body) {
        try (Connection rabbit = TestInfra.rabbit("scrape-test-publisher"); Channel ch = rabbit.createChannel()) {
            ch.confirmSelect();
            ch.basicPublish("", Topology.TASKS_QUEUE, true, TestInfra.persistentJson(), body);
            ch.waitForConfirmsOrDie(5_000);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void publish(List<TaskMessage> messages, int times) {
        try (Connection rabbit = TestInfra.rabbit("scrape-test-dispatcher"); Channel ch = rabbit.createChannel()) {
            ch.confirmSelect();
            for (TaskMessage m : messages) {
                for (int i = 0; i < times; i++) {
                    ch.basicPublish("", Topology.TASKS_QUEUE, true, TestInfra.persistentJson(), WireJson.encode(m));
                }
            }
            ch.waitForConfirmsOrDie(5_000);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private synchronized void ensureRunning() {
        if (loop != null) {
            return;
        }
        loop = new Thread(() -> {
            while (true) {
                try {
                    if (!managed.isEmpty()) {
                        List<TaskMessage> due = queueDue();
                        if (!due.isEmpty()) {
                            publish(due, 1);
                        }
                    }
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    System.err.println("test dispatcher: " + e);
                }
            }
        }, "test-dispatcher");
        loop.setDaemon(true);
        loop.start();
    }

    private List<TaskMessage> queueDue() {
        List<TaskMessage> due = new ArrayList<>();
        try (var db = TestInfra.db()) {
            db.setAutoCommit(false);
            List<UUID> running = new ArrayList<>();
            try (PreparedStatement lock = db.prepareStatement(LOCK_RUNNING_JOBS)) {
                lock.setArray(1, db.createArrayOf("uuid", managed.toArray()));
                try (ResultSet rs = lock.executeQuery()) {
                    while (rs.next()) {
                        running.add((UUID) rs.getObject(1));
                    }
                }
            }
            if (!running.isEmpty()) {
                try (PreparedStatement st = db.prepareStatement(QUEUE)) {
                    st.setArray(1, db.createArrayOf("uuid", running.toArray()));
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            due.add(new TaskMessage(rs.getLong(1), (UUID) rs.getObject(2), rs.getString(3),
                                    rs.getInt(4), rs.getInt(5), rs.getLong(6)));
                        }
                    }
                }
            }
            db.commit();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return due;
    }
}
