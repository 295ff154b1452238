package dev.pokepedia.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pokepedia.core.PokepediaException.ErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** pgmq's operations, one behaviour per test, on a real Postgres. */
class QueueOperationsIT {

    @RegisterExtension
    static QueuesOnFreshDatabase db = new QueuesOnFreshDatabase();

    private static final Duration LONG = Duration.ofMinutes(5);
    private static final AtomicInteger names = new AtomicInteger();
    private String q;

    @BeforeEach
    void freshQueue() {
        q = "ops-" + names.incrementAndGet();
        db.queues().create(q);
    }

    @Test
    void sendThenReadReturnsTheMessageWithItsBodyHeadersAndFirstReadCount() {
        long id = db.queues().send(q, new OutgoingMessage("{\"pokemon\": 25}", "{\"trace\": \"abc\"}"), Duration.ZERO);

        List<Message> got = db.queues().read(q, LONG, 10);

        assertThat(got).singleElement().satisfies(m -> {
            assertThat(m.id()).isEqualTo(id);
            assertThat(m.queue()).isEqualTo(q);
            assertThat(m.body()).isEqualTo("{\"pokemon\": 25}");
            assertThat(m.headers()).isEqualTo("{\"trace\": \"abc\"}");
            assertThat(m.readCount()).isEqualTo(1);
            assertThat(m.visibleAt()).isAfter(m.enqueuedAt().plus(Duration.ofMinutes(4)));
            assertThat(m.lastError()).isNull();
        });
    }

    @Test
    void aReadMessageIsInvisibleUntilItsVisibilityTimeoutPassesThenComesBackWithAHigherReadCount() {
        long id = db.queues().send(q, "{}");
        assertThat(db.queues().read(q, Duration.ofMillis(400), 1)).extracting(Message::id).containsExactly(id);
        long readAt = System.nanoTime();

        assertThat(db.queues().read(q, LONG, 1)).as("invisible right after the read").isEmpty();

        List<Message> again = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> db.queues().read(q, LONG, 1), l -> !l.isEmpty());
        assertThat(Duration.ofNanos(System.nanoTime() - readAt)).isGreaterThanOrEqualTo(Duration.ofMillis(350));
        assertThat(again).singleElement().satisfies(m -> {
            assertThat(m.id()).isEqualTo(id);
            assertThat(m.readCount()).isEqualTo(2);
        });
    }

    @Test
    void readReturnsAtMostQtyInSendOrderAndEachReadIncrementsTheReadCount() {
        List<Long> ids = db.queues().sendBatch(q, List.of("1", "2", "3", "4", "5"));
        assertThat(ids).isSorted().hasSize(5);

        assertThat(db.queues().read(q, Duration.ZERO, 3)).extracting(Message::id).containsExactlyElementsOf(ids.subList(0, 3));
        // visibility zero: visible again at once, read count goes up on every read
        assertThat(db.queues().read(q, Duration.ZERO, 10)).extracting(Message::readCount).containsExactlyInAnyOrder(2, 2, 2, 1, 1);
        assertThat(db.queues().read(q, Duration.ZERO, 10)).extracting(Message::readCount).containsExactlyInAnyOrder(3, 3, 3, 2, 2);
    }

    @Test
    void aDelayedMessageIsNotVisibleBeforeItsDelay() {
        long sentAt = System.nanoTime();
        long id = db.queues().send(q, "{\"later\": true}", Duration.ofMillis(600));

        assertThat(db.queues().read(q, LONG, 1)).isEmpty();
        assertThat(db.queues().pop(q)).isEmpty();
        List<Message> got = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> db.queues().read(q, LONG, 1), l -> !l.isEmpty());

        assertThat(Duration.ofNanos(System.nanoTime() - sentAt)).isGreaterThanOrEqualTo(Duration.ofMillis(550));
        assertThat(got).extracting(Message::id).containsExactly(id);
    }

    @Test
    void aDelayedBatchIsInvisibleUntilDueAndKeepsPerMessageHeaders() {
        db.queues().sendMessages(q, List.of(new OutgoingMessage("1", "{\"n\": 1}"), OutgoingMessage.of("2")), Duration.ofMillis(300));
        assertThat(db.queues().read(q, LONG, 10)).isEmpty();

        List<Message> got = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> db.queues().read(q, LONG, 10), l -> l.size() == 2);
        assertThat(got).extracting(Message::headers).containsExactly("{\"n\": 1}", null);
    }

    @Test
    void deleteRemovesForGoodAndReportsWhetherTheMessageWasThere() {
        List<Long> ids = db.queues().sendBatch(q, List.of("1", "2", "3"));

        assertThat(db.queues().delete(q, ids.get(0))).isTrue();
        assertThat(db.queues().delete(q, ids.get(0))).as("already gone").isFalse();
        assertThat(db.queues().delete(q, List.of(ids.get(1), ids.get(2), 999_999L))).containsExactly(ids.get(1), ids.get(2));

        assertThat(db.queues().read(q, LONG, 10)).isEmpty();
        assertThat(db.queues().metrics(q).length()).isZero();
    }

    @Test
    void archiveMovesTheMessageOutOfTheQueueIntoTheArchive() throws Exception {
        List<Long> ids = db.queues().sendBatch(q, List.of("{\"a\": 1}", "{\"b\": 2}"));
        db.queues().read(q, LONG, 1);

        assertThat(db.queues().archive(q, ids.get(0))).isTrue();
        assertThat(db.queues().archive(q, List.of(ids.get(1)))).containsExactly(ids.get(1));
        assertThat(db.queues().archive(q, ids.get(0))).isFalse();

        assertThat(db.queues().metrics(q).length()).isZero();
        try (var c = db.database().connection(); var st = c.createStatement();
             var rs = st.executeQuery("SELECT msg_id, read_ct, dead, message::text FROM pokepedia_queue_archive "
                     + "WHERE queue_id = pokepedia_queue_id('" + q + "') ORDER BY msg_id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(ids.get(0));
            assertThat(rs.getInt(2)).isEqualTo(1);
            assertThat(rs.getBoolean(3)).isFalse();
            assertThat(rs.getString(4)).isEqualTo("{\"a\": 1}");
            assertThat(rs.next()).isTrue();
            assertThat(rs.next()).isFalse();
        }
        assertThat(db.queues().deadLetters(q, 10)).as("archived is not dead-lettered").isEmpty();
    }

    @Test
    void popReturnsTheFirstVisibleMessageAndDeletesIt() {
        List<Long> ids = db.queues().sendBatch(q, List.of("1", "2"));

        Optional<Message> first = db.queues().pop(q);

        assertThat(first).map(Message::id).contains(ids.get(0));
        assertThat(db.queues().metrics(q).length()).isEqualTo(1);
        assertThat(db.queues().pop(q)).map(Message::id).contains(ids.get(1));
        assertThat(db.queues().pop(q)).isEmpty();
    }

    @Test
    void purgeEmptiesTheQueueButKeepsTheTotalSent() {
        db.queues().sendBatch(q, List.of("1", "2", "3"));
        db.queues().read(q, LONG, 1);

        assertThat(db.queues().purge(q)).isEqualTo(3);

        QueueMetrics m = db.queues().metrics(q);
        assertThat(m.length()).isZero();
        assertThat(m.totalSent()).isEqualTo(3);
        assertThat(m.oldestAge()).isNull();
    }

    @Test
    void setVisibilityTimeoutHidesOrRevealsAMessage() {
        long id = db.queues().send(q, "{}");
        assertThat(db.queues().read(q, LONG, 1)).hasSize(1);

        Optional<Message> revealed = db.queues().setVisibilityTimeout(q, id, Duration.ZERO);
        assertThat(revealed).isPresent();
        assertThat(db.queues().read(q, LONG, 1)).extracting(Message::id).containsExactly(id);

        db.queues().setVisibilityTimeout(q, id, Duration.ZERO);
        assertThat(db.queues().setVisibilityTimeout(q, id, LONG)).map(Message::visibleAt).isPresent();
        assertThat(db.queues().read(q, LONG, 1)).as("hidden again").isEmpty();
        assertThat(db.queues().setVisibilityTimeout(q, 987_654_321L, Duration.ZERO)).isEmpty();
    }

    @Test
    void aQueueWithMaxReadsDeadLettersAMessageReadThatOftenKeepingItsLastError() {
        db.queues().create(q, new QueueSettings(2));
        long id = db.queues().send(q, "{\"poison\": true}");

        Message first = db.queues().read(q, Duration.ZERO, 1).getFirst();
        assertThat(db.queues().retryLater(first, "first failure", Duration.ZERO)).isTrue();
        Message second = db.queues().read(q, Duration.ZERO, 1).getFirst();
        assertThat(second.lastError()).isEqualTo("first failure");
        assertThat(db.queues().retryLater(second, "second failure", Duration.ZERO)).isTrue();

        assertThat(db.queues().read(q, Duration.ZERO, 1)).as("read twice already: dead-lettered, not returned").isEmpty();

        assertThat(db.queues().deadLetters(q, 10)).singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo(id);
            assertThat(d.deadLettered()).isTrue();
            assertThat(d.readCount()).isEqualTo(2);
            assertThat(d.lastError()).isEqualTo("second failure");
            assertThat(d.body()).isEqualTo("{\"poison\": true}");
        });
        QueueMetrics m = db.queues().metrics(q);
        assertThat(m.length()).isZero();
        assertThat(m.totalSent()).isEqualTo(1);
    }

    @Test
    void aMessageNobodyRecordedAnErrorForIsDeadLetteredWithAReadCountNote() {
        db.queues().create(q, new QueueSettings(1));
        db.queues().send(q, "{}");
        db.queues().read(q, Duration.ZERO, 1);
        assertThat(db.queues().read(q, Duration.ZERO, 1)).isEmpty();
        assertThat(db.queues().deadLetters(q, 1)).singleElement().extracting(ArchivedMessage::lastError)
                .isEqualTo("read 1 times without being deleted");
    }

    @Test
    void deadLetterAndRetryLaterOnlyTouchAMessageNobodyHasReadSince() {
        db.queues().send(q, "{}");
        Message stale = db.queues().read(q, Duration.ZERO, 1).getFirst();
        Message current = db.queues().read(q, LONG, 1).getFirst();

        assertThat(db.queues().retryLater(stale, "late", Duration.ZERO)).isFalse();
        assertThat(db.queues().deadLetter(stale, "late")).isFalse();
        assertThat(db.queues().deadLetter(current, "gave up")).isTrue();
        assertThat(db.queues().deadLetters(q, 5)).extracting(ArchivedMessage::lastError).containsExactly("gave up");
    }

    @Test
    void retryLaterPushesTheVisibilityDeadlineByTheDelay() {
        db.queues().send(q, "{}");
        Message m = db.queues().read(q, Duration.ZERO, 1).getFirst();
        long failedAt = System.nanoTime();
        db.queues().retryLater(m, "boom", Duration.ofMillis(400));

        assertThat(db.queues().read(q, LONG, 1)).isEmpty();
        Message again = await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> db.queues().read(q, LONG, 1), l -> !l.isEmpty()).getFirst();
        assertThat(Duration.ofNanos(System.nanoTime() - failedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(350));
        assertThat(again.lastError()).isEqualTo("boom");
    }

    @Test
    void redriveBringsDeadLettersBackWithAFreshReadCount() {
        long id = db.queues().send(q, "{}");
        db.queues().deadLetter(db.queues().read(q, LONG, 1).getFirst(), "broken");

        assertThat(db.queues().redrive(q)).isEqualTo(1);

        assertThat(db.queues().deadLetters(q, 5)).isEmpty();
        assertThat(db.queues().read(q, LONG, 1)).singleElement().satisfies(m -> {
            assertThat(m.id()).isEqualTo(id);
            assertThat(m.readCount()).isEqualTo(1);
            assertThat(m.lastError()).isEqualTo("broken");
        });
        assertThat(db.queues().metrics(q).length()).isEqualTo(1);
    }

    @Test
    void metricsCountLengthVisibleLengthAgesAndTotalSent() {
        db.queues().sendBatch(q, List.of("1", "2", "3"));
        db.queues().send(q, "4", Duration.ofHours(1));
        List<Message> read = db.queues().read(q, LONG, 1);
        db.queues().delete(q, db.queues().read(q, LONG, 1).getFirst().id());

        QueueMetrics m = db.queues().metrics(q);

        assertThat(m.queue()).isEqualTo(q);
        assertThat(m.length()).as("4 sent, 1 deleted").isEqualTo(3);
        assertThat(m.visibleLength()).as("1 in flight, 1 delayed").isEqualTo(1);
        assertThat(m.totalSent()).isEqualTo(4);
        assertThat(m.oldestAge()).isNotNull().isGreaterThanOrEqualTo(m.newestAge()).isLessThan(Duration.ofMinutes(1));
        assertThat(m.newestAge()).isGreaterThanOrEqualTo(Duration.ZERO);
        assertThat(m.scrapedAt()).isAfterOrEqualTo(read.getFirst().enqueuedAt());
        assertThat(db.queues().metrics()).extracting(QueueMetrics::queue).contains(q);
    }

    @Test
    void sendUniqueSkipsKeysAlreadyInTheQueueUntilTheirMessageIsDone() {
        List<Long> first = db.queues().sendUnique(q, List.of("{\"doc\": \"pokemon/25\"}", "{\"doc\": \"type/1\"}", "{\"doc\": \"type/1\"}"),
                List.of("pokemon/25", "type/1", "type/1"));
        List<Long> again = db.queues().sendUnique(q, List.of("{\"doc\": \"pokemon/25\"}", "{\"doc\": \"type/2\"}"),
                List.of("pokemon/25", "type/2"));

        assertThat(first).hasSize(2);
        assertThat(again).hasSize(1);
        assertThat(db.queues().metrics(q).length()).isEqualTo(3);

        List<Message> got = db.queues().read(q, LONG, 10);
        assertThat(db.queues().sendUnique(q, List.of("{\"doc\": \"pokemon/25\"}"), List.of("pokemon/25"))).isEmpty(); // in flight
        db.queues().delete(q, got.stream().map(Message::id).toList());
        assertThat(db.queues().sendUnique(q, List.of("{\"doc\": \"pokemon/25\"}"), List.of("pokemon/25"))).hasSize(1);
        assertThat(db.queues().metrics(q).totalSent()).isEqualTo(4);
    }

    @Test
    void aPausedQueueHandsOutNothingUntilResumed() {
        db.queues().send(q, "{\"n\": 1}");
        db.queues().pause(q);

        assertThat(db.queues().read(q, LONG, 10)).isEmpty();
        assertThat(stats(q).paused()).isTrue();
        assertThat(stats(q).visible()).isEqualTo(1);

        db.queues().resume(q);
        assertThat(db.queues().read(q, LONG, 10)).hasSize(1);
        assertThat(stats(q).paused()).isFalse();
    }

    @Test
    void statsCountDepthVisibleFinishedInTheLastHourAndDeadLetters() {
        List<Long> ids = db.queues().sendBatch(q, List.of("{\"n\": 1}", "{\"n\": 2}", "{\"n\": 3}", "{\"n\": 4}"));
        List<Message> got = db.queues().read(q, LONG, 3);
        db.queues().delete(q, got.get(0).id());
        db.queues().archive(q, got.get(1).id());
        db.queues().deadLetter(got.get(2), "poison");

        QueueStats s = stats(q);
        assertThat(s.depth()).isEqualTo(1);
        assertThat(s.visible()).isEqualTo(1);
        assertThat(s.oldestAge()).isNotNull();
        assertThat(s.processedLastHour()).isEqualTo(2);
        assertThat(s.deadLetters()).isEqualTo(1);
        assertThat(ids).hasSize(4);

        assertThat(db.queues().discardDeadLetters(q)).isEqualTo(1);
        assertThat(stats(q).deadLetters()).isZero();
    }

    @Test
    void cleanupKeepsRecentArchiveAndDeadLettersAndDropsOlderArchivedMessages() {
        long archived = db.queues().send(q, "{\"n\": 1}");
        db.queues().archive(q, archived);
        long d = db.queues().send(q, "{\"n\": 2}");
        db.queues().deadLetter(db.queues().read(q, LONG, 1).getFirst(), "poison");

        assertThat(db.queues().cleanup(Duration.ofDays(1))).isZero();
        assertThat(db.queues().cleanup(Duration.ZERO)).isGreaterThanOrEqualTo(1);
        assertThat(db.queues().deadLetters(q, 10)).extracting(ArchivedMessage::id).containsExactly(d);
    }

    private static QueueStats stats(String queue) {
        return db.queues().stats().stream().filter(s -> s.queue().equals(queue)).findFirst().orElseThrow();
    }

    @Test
    void createIsIdempotentAndUpdatesSettingsListShowsThemAndDropRemovesEverything() {
        db.queues().create(q, new QueueSettings(3));
        db.queues().create(q, new QueueSettings(4));
        db.queues().send(q, "{}");
        assertThat(db.queues().list()).filteredOn(i -> i.name().equals(q)).singleElement()
                .satisfies(i -> assertThat(i.settings().maxReads()).isEqualTo(4));

        assertThat(db.queues().drop(q)).isTrue();
        assertThat(db.queues().drop(q)).isFalse();
        assertThat(db.queues().list()).extracting(QueueInfo::name).doesNotContain(q);
        assertThatThrownBy(() -> db.queues().send(q, "{}")).isInstanceOf(QueueNotFoundException.class);

        db.queues().create(q);
        assertThat(db.queues().metrics(q).length()).as("a recreated queue starts empty").isZero();
        assertThat(db.queues().metrics(q).totalSent()).isZero();
    }

    @Test
    void operationsOnAMissingQueueSayWhichQueueAndHowToCreateIt() {
        assertThatThrownBy(() -> db.queues().read("no-such-queue", LONG, 1))
                .isInstanceOf(QueueNotFoundException.class)
                .hasMessage("Queue 'no-such-queue' does not exist")
                .satisfies(e -> assertThat(((QueueException) e).hint()).contains("Queues.create(\"no-such-queue\")"));
        assertThatThrownBy(() -> db.queues().metrics("no-such-queue")).isInstanceOf(QueueNotFoundException.class);
        assertThatThrownBy(() -> db.queues().sendBatch("no-such-queue", List.of("1"))).isInstanceOf(QueueNotFoundException.class);
        assertThatThrownBy(() -> db.queues().create("Not Valid")).hasMessageContaining("Invalid queue name");
    }

    @Test
    void invalidJsonIsRejectedAndNothingIsSent() {
        assertThatThrownBy(() -> db.queues().sendBatch(q, List.of("{}", "{not json")))
                .isInstanceOf(QueueException.class)
                .satisfies(e -> assertThat(((QueueException) e).code()).isEqualTo(ErrorCode.INVALID_DOCUMENTS));
        assertThat(db.queues().metrics(q).totalSent()).isZero();
        assertThat(db.queues().metrics(q).length()).isZero();
    }
}
