/** The crypto core: pure functions over node:crypto, with no I/O, config, express, ORM or Redis. */
export * from './canonical-message';
export * from './nonce';
export * from './rsa';
export * from './aes-gcm';
export * from './keys';
export * from './wechatpay-verify';
