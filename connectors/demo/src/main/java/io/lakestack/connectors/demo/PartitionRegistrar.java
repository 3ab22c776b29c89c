package io.lakestack.connectors.demo;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What the demo's registrar does with one S3 event notification: for each {@code ObjectCreated} event on
 * {@code s3://<bucket>/<table prefix>/<key>=<value>/...}, the partition is added to the catalog (an existing one is left
 * alone, so an event may arrive twice). {@code s3:TestEvent}s and removal events need no partition and are passed over.
 * A notification that cannot be read, or an object outside the table's partition layout, is {@link UnusableEventException
 * unusable}: the caller keeps it where a person finds it.
 */
public final class PartitionRegistrar
{
    /**
     * @param tablePrefix the table's key prefix in the bucket, ending with {@code /}, e.g. {@code orders/}
     * @param partitionKeys the table's partition keys, in order, e.g. {@code [dt]}
     */
    public record Settings(String database, String table, String bucket, String tablePrefix, List<String> partitionKeys)
    {
        public Settings
        {
            requireNonNull(database, "database is null");
            requireNonNull(table, "table is null");
            requireNonNull(bucket, "bucket is null");
            if (!tablePrefix.endsWith("/")) {
                throw new IllegalArgumentException("tablePrefix must end with /: " + tablePrefix);
            }
            partitionKeys = List.copyOf(partitionKeys);
        }
    }

    /**
     * A partition an event named.
     *
     * @param object the object the event was about, {@code s3://bucket/key}
     * @param added whether the partition was new to the catalog
     */
    public record Registration(TablePartition partition, String eventName, String object, boolean added)
    {
        public Registration
        {
            requireNonNull(partition, "partition is null");
            requireNonNull(eventName, "eventName is null");
            requireNonNull(object, "object is null");
        }
    }

    /** A notification the registrar can do nothing with, however often it is tried; the message says why. */
    public static final class UnusableEventException
            extends Exception
    {
        UnusableEventException(String message)
        {
            super(message);
        }
    }

    private final Settings settings;
    private final PartitionCatalog catalog;

    public PartitionRegistrar(Settings settings, PartitionCatalog catalog)
    {
        this.settings = requireNonNull(settings, "settings is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /**
     * Registers the partitions of the notification's {@code ObjectCreated} events, all or none of them checked first:
     * a notification with one unusable event registers nothing.
     *
     * @throws UnusableEventException when the document is no S3 event notification or names an object outside the layout
     * @throws RuntimeException when the catalog fails (worth trying again)
     */
    public List<Registration> register(byte[] notification)
            throws UnusableEventException
    {
        S3EventNotification parsed;
        try {
            parsed = S3EventNotification.parse(notification);
        }
        catch (IllegalArgumentException e) {
            throw new UnusableEventException("unreadable S3 event notification: " + e.getMessage());
        }
        if (parsed instanceof S3EventNotification.TestEvent) {
            return List.of();
        }
        List<S3EventNotification.ObjectEvent> created = new ArrayList<>();
        List<TablePartition> partitions = new ArrayList<>();
        for (S3EventNotification.ObjectEvent event : ((S3EventNotification.ObjectEvents) parsed).events()) {
            if (event.created()) {
                try {
                    partitions.add(partitionOf(settings, event.bucket(), event.key()));
                }
                catch (IllegalArgumentException e) {
                    throw new UnusableEventException(e.getMessage());
                }
                created.add(event);
            }
        }
        List<Registration> registrations = new ArrayList<>();
        for (int i = 0; i < created.size(); i++) {
            S3EventNotification.ObjectEvent event = created.get(i);
            boolean added = catalog.addPartition(partitions.get(i));
            registrations.add(new Registration(partitions.get(i), event.eventName(), "s3://" + event.bucket() + "/" + event.key(), added));
        }
        return registrations;
    }

    /** The partition an object belongs to, or why it belongs to none. */
    static TablePartition partitionOf(Settings settings, String bucket, String key)
    {
        if (!bucket.equals(settings.bucket())) {
            throw new IllegalArgumentException("object s3://" + bucket + "/" + key + " is not in bucket " + settings.bucket());
        }
        if (!key.startsWith(settings.tablePrefix())) {
            throw new IllegalArgumentException("object key " + key + " is outside the table prefix " + settings.tablePrefix());
        }
        String[] folders = key.substring(settings.tablePrefix().length()).split("/");
        if (folders.length <= settings.partitionKeys().size()) {
            throw new IllegalArgumentException("object key " + key + " is not under " + String.join("/", settings.partitionKeys().stream()
                    .map(name -> name + "=<value>").toList()) + "/ folders");
        }
        List<String> values = new ArrayList<>();
        StringBuilder location = new StringBuilder("s3://").append(bucket).append('/').append(settings.tablePrefix());
        for (int i = 0; i < settings.partitionKeys().size(); i++) {
            String expected = settings.partitionKeys().get(i) + "=";
            if (!folders[i].startsWith(expected) || folders[i].length() == expected.length()) {
                throw new IllegalArgumentException("object key " + key + ": folder '" + folders[i] + "' should be " + expected + "<value>");
            }
            values.add(folders[i].substring(expected.length()));
            location.append(folders[i]).append('/');
        }
        return new TablePartition(settings.database(), settings.table(), values, location.toString());
    }
}
