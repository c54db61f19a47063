/**
 * Mail for tests, on real loopback sockets: {@link dev.latchkey.testkit.mail.FakeMailbox} is an SMTP
 * server (GreenMail) that keeps what it receives, read back as
 * {@link dev.latchkey.testkit.mail.ReceivedMail} with its links and their query parameters;
 * {@link dev.latchkey.testkit.mail.FailingSmtpServer} refuses or stalls, and
 * {@link dev.latchkey.testkit.mail.FakeMailbox#unusedPort()} is a server that is down, so a sender's
 * timeouts, retries and error reports can be tested against the real thing (DESIGN.md §5).
 */
package dev.latchkey.testkit.mail;
