package io.lakestack.connectors.lambda;

import io.lakestack.spi.ServiceException;
import io.lakestack.spi.logs.LogStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/** CloudWatch Logs in memory, for tests: groups, streams and events, without paging or retention. */
final class InMemoryLogStore
        implements LogStore
{
    private record Group(String region, long creationMillis, Optional<Integer> retentionDays, Map<String, String> tags, TreeMap<String, List<StoredEvent>> streams)
    {
    }

    private final TreeMap<String, Group> groups = new TreeMap<>();
    private long nextEventId;

    /** The messages of one stream in order; empty when there is no such stream. */
    synchronized List<String> messages(String group, String stream)
    {
        Group found = groups.get(group);
        if (found == null || !found.streams().containsKey(stream)) {
            return List.of();
        }
        return found.streams().get(stream).stream().map(StoredEvent::message).toList();
    }

    @Override
    public synchronized void createGroup(String group, String region, Optional<Integer> retentionDays, Map<String, String> tags)
    {
        if (groups.containsKey(group)) {
            throw ServiceException.user("ResourceAlreadyExistsException", "The specified log group already exists");
        }
        groups.put(group, new Group(region, System.currentTimeMillis(), retentionDays, Map.copyOf(tags), new TreeMap<>()));
    }

    @Override
    public synchronized Optional<LogGroup> group(String group)
    {
        Group found = groups.get(group);
        if (found == null) {
            return Optional.empty();
        }
        return Optional.of(new LogGroup(group, Optional.of(found.region()), found.creationMillis(), found.retentionDays(), storedBytes(found), found.tags()));
    }

    @Override
    public synchronized List<LogGroup> groups(Optional<String> prefix)
    {
        List<LogGroup> list = new ArrayList<>();
        for (String name : groups.keySet()) {
            if (prefix.isEmpty() || name.startsWith(prefix.get())) {
                list.add(group(name).orElseThrow());
            }
        }
        return list;
    }

    @Override
    public synchronized void setRetention(String group, Optional<Integer> retentionDays)
    {
        Group found = existing(group);
        groups.put(group, new Group(found.region(), found.creationMillis(), retentionDays, found.tags(), found.streams()));
    }

    @Override
    public synchronized void setTags(String group, Map<String, String> tags)
    {
        Group found = existing(group);
        groups.put(group, new Group(found.region(), found.creationMillis(), found.retentionDays(), Map.copyOf(tags), found.streams()));
    }

    @Override
    public synchronized void deleteGroup(String group)
    {
        existing(group);
        groups.remove(group);
    }

    @Override
    public synchronized void createStream(String group, String stream)
    {
        Group found = existing(group);
        if (found.streams().containsKey(stream)) {
            throw ServiceException.user("ResourceAlreadyExistsException", "The specified log stream already exists");
        }
        found.streams().put(stream, new ArrayList<>());
    }

    @Override
    public synchronized List<LogStream> streams(String group, Optional<String> prefix)
    {
        List<LogStream> list = new ArrayList<>();
        existing(group).streams().forEach((name, events) -> {
            if (prefix.isEmpty() || name.startsWith(prefix.get())) {
                list.add(new LogStream(name, 0, events.stream().map(StoredEvent::timestampMillis).min(Comparator.naturalOrder()),
                        events.stream().map(StoredEvent::timestampMillis).max(Comparator.naturalOrder()), 0,
                        events.stream().mapToLong(event -> event.message().getBytes(StandardCharsets.UTF_8).length).sum()));
            }
        });
        return list;
    }

    @Override
    public synchronized Optional<LogStream> stream(String group, String stream)
    {
        return streams(group, Optional.of(stream)).stream().filter(found -> found.name().equals(stream)).findFirst();
    }

    @Override
    public synchronized void deleteStream(String group, String stream)
    {
        if (existing(group).streams().remove(stream) == null) {
            throw ServiceException.user("ResourceNotFoundException", 400, "The specified log stream does not exist.");
        }
    }

    @Override
    public synchronized void put(String group, String stream, List<Event> events)
    {
        List<StoredEvent> stored = existing(group).streams().computeIfAbsent(stream, name -> new ArrayList<>());
        long now = System.currentTimeMillis();
        for (Event event : events) {
            stored.add(new StoredEvent(stream, event.timestampMillis(), now, event.message(), String.valueOf(nextEventId++)));
        }
        stored.sort(Comparator.comparingLong(StoredEvent::timestampMillis));
    }

    @Override
    public synchronized StreamPage events(String group, String stream, Optional<Long> start, Optional<Long> end, Optional<String> token, boolean fromHead,
            int limit)
    {
        List<StoredEvent> events = existing(group).streams().get(stream);
        if (events == null) {
            throw LogStore.streamNotFound();
        }
        List<StoredEvent> matching = events.stream()
                .filter(event -> start.map(from -> event.timestampMillis() >= from).orElse(true))
                .filter(event -> end.map(to -> event.timestampMillis() < to).orElse(true))
                .toList();
        // tokens are positions in the matching events: f/N reads [N, N + limit), b/N reads [N - limit, N)
        boolean forward = token.map(value -> value.startsWith("f/")).orElse(fromHead);
        int position = token.map(value -> Integer.parseInt(value.substring(2))).orElse(fromHead ? 0 : matching.size());
        int from = forward ? position : Math.max(0, position - limit);
        int to = forward ? Math.min(matching.size(), position + limit) : position;
        return new StreamPage(matching.subList(from, to), "f/" + to, "b/" + from);
    }

    @Override
    public synchronized Page filter(String group, Predicate<String> streams, Optional<Long> start, Optional<Long> end, Predicate<StoredEvent> filter,
            Optional<String> token, int limit)
    {
        List<StoredEvent> matching = new ArrayList<>();
        existing(group).streams().forEach((name, events) -> {
            if (streams.test(name)) {
                events.stream()
                        .filter(event -> start.map(from -> event.timestampMillis() >= from).orElse(true))
                        .filter(event -> end.map(to -> event.timestampMillis() < to).orElse(true))
                        .filter(filter)
                        .forEach(matching::add);
            }
        });
        matching.sort(Comparator.comparingLong(StoredEvent::timestampMillis));
        int from = token.map(Integer::parseInt).orElse(0);
        int to = Math.min(matching.size(), from + limit);
        return new Page(matching.subList(from, to), to < matching.size() ? Optional.of(String.valueOf(to)) : Optional.empty());
    }

    private Group existing(String group)
    {
        Group found = groups.get(group);
        if (found == null) {
            throw ServiceException.user("ResourceNotFoundException", 400, "The specified log group does not exist.");
        }
        return found;
    }

    private static long storedBytes(Group group)
    {
        return group.streams().values().stream().flatMap(List::stream).mapToLong(event -> event.message().getBytes(StandardCharsets.UTF_8).length).sum();
    }
}
