/**
 * Imports every feature's entity module so that they register themselves with the ORM.
 * Add one line per feature.
 */
import './wxpay/entities';
