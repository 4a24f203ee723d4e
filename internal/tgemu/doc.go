// Package tgemu emulates the part of the Telegram Bot API that Hromada uses, so
// that end-to-end tests, the local sandbox and load tests can run the real bot
// against a Telegram they control.
//
// A Server answers at <base>/bot<token>/<method> with Telegram's own JSON,
// accepts form, multipart and JSON request bodies, delivers updates by long
// polling or by webhook, enforces Telegram's validation rules, errors and
// (optionally) flood limits, and records what the bot sent so a test can read
// it back. Paid broadcasts (allow_paid_broadcast) get their own budget of 1000
// messages a second under flood control, are counted in Stats and can be
// refused (Options.PaidBroadcastDisabled). Citizens are emulated Telegram
// users: each action (a message, a tap on a button, a shared contact, blocking
// the bot) becomes an update. A citizen may write formatted text, given in
// Telegram's HTML style (SendFormatted, SendPhotoWithCaption): the bot gets
// the plain text with entities or caption_entities, as from a Telegram app.
//
// It is not Telegram and not for production: everything lives in memory, every
// caller is trusted, the bot's formatted text is checked but stored and
// returned raw (no entities), URLs are never fetched, Stars are not counted,
// only private chats exist, and methods it does not know answer 404 Not
// Found. All methods are safe for concurrent use.
package tgemu
