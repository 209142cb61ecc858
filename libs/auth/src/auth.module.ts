import { Global, Module } from '@nestjs/common';
import { PasswordHasher } from './password-hasher.js';
import { TokenService } from './token.service.js';

@Global()
@Module({ providers: [TokenService, PasswordHasher], exports: [TokenService, PasswordHasher] })
export class AuthModule {}
