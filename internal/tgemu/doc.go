// Package tgemu emulates the part of the Telegram Bot API that Hromada uses, so
// that end-to-end tests, the local sandbox and load tests can run the real bot
// against a Telegram they control.
//
// A Server answers at <base>/bot<token>/<method> with Telegram's own JSON,
// accepts form, multipart and JSON request bodies, delivers updates by long
// polling or by webhook, enforces Telegram's validation rules, errors and
// (optionally) flood limits, and records what the bot sent so a test can read
// it back. Citizens are emulated Telegram users: each action (a message, a tap
// on a button, a shared contact, blocking the bot) becomes an update.
//
// It is not Telegram and not for production: everything lives in memory, every
// caller is trusted, formatted text is checked but stored raw, URLs are never
// fetched, only private chats exist, and methods it does not know answer
// 404 Not Found. All methods are safe for concurrent use.
package tgemu
