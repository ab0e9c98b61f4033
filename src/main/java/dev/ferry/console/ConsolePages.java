package dev.ferry.console;

/** The few pages the server writes itself; the console proper is static (META-INF/resources/console). */
final class ConsolePages {

    private ConsolePages() {
    }

    static String page(String title, String body) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Ferry · " + title
                + "</title><link rel=\"stylesheet\" href=\"/console/console.css\"></head><body><main><h1>" + title + "</h1>" + body
                + "</main></body></html>";
    }
}
