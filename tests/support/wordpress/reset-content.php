<?php
/**
 * Delete every post (of any type and status), comment and their metadata; reset term counts.
 * Users, options and application passwords stay. Ids keep increasing (DELETE, not TRUNCATE).
 *
 *     php reset-content.php <www dir>
 */

require __DIR__ . '/bootstrap.php';

$wpdb->query('START TRANSACTION');
foreach ([$wpdb->commentmeta, $wpdb->comments, $wpdb->term_relationships, $wpdb->postmeta, $wpdb->posts] as $table) {
    $wpdb->query("DELETE FROM $table");
}
$wpdb->query("UPDATE $wpdb->term_taxonomy SET count = 0");
$wpdb->query('COMMIT');
wp_cache_flush();

mcphub_out(true);
