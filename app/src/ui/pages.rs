pub mod audit;
pub mod clients;
pub mod home;
pub mod not_found;
pub mod password;
pub mod sign_in;
pub mod staff;
