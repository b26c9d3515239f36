<?php
/**
 * Insert posts quickly: one PHP process, one transaction, deferred term counting.
 *
 *     php seed-posts.php <www dir> <count> [status] [title prefix]
 *
 * Post i (1-based) is titled "<prefix> <i>" and dated i minutes after a start <count> minutes
 * ago, so dates are distinct and the default order (newest first) is stable across pages.
 * Prints the new post ids in insertion order.
 */

require __DIR__ . '/bootstrap.php';

$count = (int) ($mcphub_args[0] ?? 0);
$status = $mcphub_args[1] ?? 'publish';
$prefix = $mcphub_args[2] ?? 'Seeded post';
if ($count < 1) {
    mcphub_die('usage: seed-posts.php <www dir> <count> [status] [title prefix]');
}

$author = get_users(['role' => 'administrator', 'number' => 1, 'fields' => 'ID'])[0] ?? 1;
$start = time() - $count * 60;
$ids = [];

wp_defer_term_counting(true);
wp_defer_comment_counting(true);
$wpdb->query('START TRANSACTION');
for ($i = 1; $i <= $count; $i++) {
    $id = wp_insert_post([
        'post_title' => "$prefix $i",
        'post_content' => "Content of $prefix $i.",
        'post_status' => $status,
        'post_author' => (int) $author,
        'post_date_gmt' => gmdate('Y-m-d H:i:s', $start + $i * 60),
        'post_date' => get_date_from_gmt(gmdate('Y-m-d H:i:s', $start + $i * 60)),
    ], true);
    if (is_wp_error($id)) {
        $wpdb->query('ROLLBACK');
        mcphub_die("post $i: " . $id->get_error_message());
    }
    $ids[] = $id;
}
$wpdb->query('COMMIT');
wp_defer_term_counting(false);
wp_defer_comment_counting(false);

mcphub_out($ids);
