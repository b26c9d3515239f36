<?php
/**
 * Plugin Name: MCP Hub dev instance
 * Description: Loaded into every scripts/wordpress-dev.sh instance (symlinked as a must-use plugin).
 * Mail is never sent (there is no MTA): each message is appended to the instance's mail.log as a
 * JSON line and reported as delivered.
 */

add_filter('pre_wp_mail', static function ($short_circuit, array $atts) {
    $line = json_encode(
        ['to' => $atts['to'], 'subject' => $atts['subject'], 'message' => $atts['message']],
        JSON_UNESCAPED_SLASHES
    );
    file_put_contents(dirname(ABSPATH) . '/mail.log', $line . "\n", FILE_APPEND | LOCK_EX);
    return true;
}, 10, 2);
