package io.lakestack.connectors.pipelines.clickstream;

import io.lakestack.connectors.pipelines.clickstream.ClickstreamView.Key;
import io.lakestack.connectors.pipelines.clickstream.ClickstreamView.Totals;

import java.util.Map;

/** What the serving layer asks the speed layer: the view over its windows from a moment on. */
public interface SpeedView
{
    /**
     * Each key's totals over the windows that start at {@code fromMillis} or later. Fails with
     * {@link IllegalStateException} while the speed layer cannot answer (starting, rebalancing).
     */
    Map<Key, Totals> totalsFrom(long fromMillis);

    /** One key's totals over the windows that start at {@code fromMillis} or later; {@link Totals#ZERO} when it has none. */
    Totals totalsFrom(Key key, long fromMillis);

    /** How many records were not clicks and went to the dead-letter topic. */
    long deadLetters();
}
