package io.lakestack.backends.kafka;

import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PageSelectorTest
{
    /** An item: its place in the order and its size in bytes. */
    private record Item(int key, long bytes)
    {
    }

    private static PageSelector<Item> selector(int limit, long maxBytes)
    {
        return new PageSelector<>(Comparator.comparingInt(Item::key), limit, maxBytes, Item::bytes);
    }

    private static List<Integer> keys(PageSelector<Item> selector)
    {
        return selector.page().stream().map(Item::key).toList();
    }

    @Test
    void keepsTheSmallestItemsInOrderWhateverOrderTheyCameIn()
    {
        PageSelector<Item> selector = selector(3, 1000);
        for (int key : new int[] {7, 2, 9, 4, 1, 8}) {
            selector.offer(new Item(key, 10));
        }

        assertThat(keys(selector)).containsExactly(1, 2, 4);
        assertThat(selector.more()).isTrue();
    }

    @Test
    void allItemsWithinTheLimitsAreThePageAndThereIsNoMore()
    {
        PageSelector<Item> selector = selector(3, 30);
        for (int key : new int[] {3, 1, 2}) {
            selector.offer(new Item(key, 10));
        }

        assertThat(keys(selector)).containsExactly(1, 2, 3);
        assertThat(selector.more()).isFalse();
    }

    @Test
    void bytesEndThePageBeforeTheLimitDoes()
    {
        PageSelector<Item> selector = selector(10, 25);
        for (int key : new int[] {4, 3, 2, 1}) {
            selector.offer(new Item(key, 10));
        }

        assertThat(keys(selector)).containsExactly(1, 2);
        assertThat(selector.more()).isTrue();
    }

    @Test
    void aPageIsARunFromTheStartNeverWithAGap()
    {
        // 2 is too large to follow 1, so nothing after 2 may be on the page either, although 3 alone would fit
        PageSelector<Item> selector = selector(10, 25);
        selector.offer(new Item(1, 10));
        selector.offer(new Item(2, 20));
        selector.offer(new Item(3, 5));

        assertThat(keys(selector)).containsExactly(1);
        assertThat(selector.more()).isTrue();
    }

    @Test
    void theFirstItemComesEvenWhenItAloneIsTooLarge()
    {
        PageSelector<Item> selector = selector(10, 25);
        selector.offer(new Item(5, 100));
        assertThat(keys(selector)).containsExactly(5);
        assertThat(selector.more()).isFalse();

        selector.offer(new Item(6, 1));
        assertThat(keys(selector)).containsExactly(5);
        assertThat(selector.more()).isTrue();

        // a smaller item arrives later: the large one no longer fits behind it
        selector.offer(new Item(4, 1));
        assertThat(keys(selector)).containsExactly(4);
    }

    @Test
    void inReverseOrderTheLargestItemsAreThePage()
    {
        PageSelector<Item> selector = new PageSelector<>(Comparator.comparingInt(Item::key).reversed(), 2, 1000, Item::bytes);
        for (int key : new int[] {1, 5, 3, 4, 2}) {
            selector.offer(new Item(key, 1));
        }

        assertThat(keys(selector)).containsExactly(5, 4);
    }

    @Test
    void nothingOfferedIsAnEmptyPage()
    {
        PageSelector<Item> selector = selector(1, 1);

        assertThat(selector.page()).isEmpty();
        assertThat(selector.more()).isFalse();
        assertThatThrownBy(() -> selector(0, 1)).isInstanceOf(IllegalArgumentException.class).hasMessage("limit must be at least 1, not 0");
    }
}
